package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class PreconditionsTest {

  private static final String ETAG = "\"abc-10\"";
  private static final Instant MODIFIED = Instant.parse("2024-05-01T10:00:00.123456789Z");
  private static final String MODIFIED_DATE = "Wed, 01 May 2024 10:00:00 GMT";

  private static Preconditions.Outcome evaluate(String name, String value) {
    HttpHeaders h = new HttpHeaders();
    h.set(name, value);
    return Preconditions.evaluate(h::getFirst, ETAG, MODIFIED);
  }

  private static boolean rangeAllowed(String ifRange) {
    HttpHeaders h = new HttpHeaders();
    h.set(HttpHeaders.IF_RANGE, ifRange);
    return Preconditions.rangeAllowed(h::getFirst, ETAG, MODIFIED);
  }

  @Test
  void ifNoneMatchWithTheCurrentTagIsNotModified() {
    assertThat(evaluate("If-None-Match", ETAG)).isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
    assertThat(evaluate("If-None-Match", "\"x\", W/" + ETAG))
        .isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
    assertThat(evaluate("If-None-Match", "*")).isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
    assertThat(evaluate("If-None-Match", "\"other\"")).isEqualTo(Preconditions.Outcome.PROCEED);
  }

  @Test
  void ifModifiedSinceComparesWholeSecondsAndIgnoresBadDates() {
    assertThat(evaluate("If-Modified-Since", MODIFIED_DATE))
        .isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
    assertThat(evaluate("If-Modified-Since", "Wed, 01 May 2024 09:59:59 GMT"))
        .isEqualTo(Preconditions.Outcome.PROCEED);
    assertThat(evaluate("If-Modified-Since", "yesterday")).isEqualTo(Preconditions.Outcome.PROCEED);
  }

  @Test
  void ifNoneMatchTakesPrecedenceOverIfModifiedSince() {
    HttpHeaders h = new HttpHeaders();
    h.set(HttpHeaders.IF_NONE_MATCH, "\"other\"");
    h.set(HttpHeaders.IF_MODIFIED_SINCE, MODIFIED_DATE);
    assertThat(Preconditions.evaluate(h::getFirst, ETAG, MODIFIED))
        .isEqualTo(Preconditions.Outcome.PROCEED);
  }

  @Test
  void ifMatchUsesStrongComparison() {
    assertThat(evaluate("If-Match", ETAG)).isEqualTo(Preconditions.Outcome.PROCEED);
    assertThat(evaluate("If-Match", "W/" + ETAG)).isEqualTo(Preconditions.Outcome.FAILED);
    assertThat(evaluate("If-Match", "garbage")).isEqualTo(Preconditions.Outcome.FAILED);
    assertThat(evaluate("If-Unmodified-Since", "Wed, 01 May 2024 09:00:00 GMT"))
        .isEqualTo(Preconditions.Outcome.FAILED);
  }

  @Test
  void ifRangeMatchesTheStrongTagOrTheExactDate() {
    assertThat(rangeAllowed(ETAG)).isTrue();
    assertThat(rangeAllowed("W/" + ETAG)).isFalse();
    assertThat(rangeAllowed("\"old\"")).isFalse();
    assertThat(rangeAllowed(MODIFIED_DATE)).isTrue();
    assertThat(rangeAllowed("Wednesday, 01-May-24 10:00:00 GMT")).isTrue();
    assertThat(rangeAllowed("Wed May  1 10:00:00 2024")).isTrue();
    assertThat(rangeAllowed("Wed, 01 May 2024 10:00:01 GMT")).isFalse();
    assertThat(rangeAllowed("not a date")).isFalse();
  }
}
