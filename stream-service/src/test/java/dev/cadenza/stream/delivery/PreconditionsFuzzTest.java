package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Fuzzes the conditional request headers (docs/testing.md): whatever If-Match, If-None-Match,
 * If-Modified-Since, If-Unmodified-Since and If-Range say, {@link Preconditions} decides without
 * throwing, an HTTP-date it accepts names a whole second, and the outcome follows RFC 9110 §13.2.2
 * where the headers leave no doubt.
 */
class PreconditionsFuzzTest {

  private static final String[] NAMES = {
    "If-Match", "If-None-Match", "If-Modified-Since", "If-Unmodified-Since", "If-Range"
  };

  // the modification times a file system reports: year 1 to 9999
  private static final long EARLIEST = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
  private static final long LATEST = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @FuzzTest(maxDuration = "30s")
  void conditionalHeadersNeverBreakTheEvaluation(FuzzedDataProvider data) {
    Instant modified =
        Instant.ofEpochSecond(data.consumeLong(EARLIEST, LATEST), data.consumeInt(0, 999_999_999));
    String etag = "\"" + data.consumeAsciiString(24).replace("\"", "") + "\"";
    Map<String, String> headers = new HashMap<>();
    for (String name : NAMES) {
      if (data.consumeBoolean()) {
        // now and then the representation's own validators, which the fuzzer cannot guess
        headers.put(
            name,
            switch (data.consumeInt(0, 3)) {
              case 0 -> etag;
              case 1 -> HttpDates.format(modified);
              default -> data.consumeString(64);
            });
      }
    }

    Preconditions.Outcome outcome = Preconditions.evaluate(headers::get, etag, modified);
    boolean rangeAllowed = Preconditions.rangeAllowed(headers::get, etag, modified);

    assertThat(outcome).isNotNull();
    if (headers.isEmpty()) {
      assertThat(outcome).isEqualTo(Preconditions.Outcome.PROCEED);
    }
    if (!headers.containsKey("If-Range")) {
      assertThat(rangeAllowed).isTrue();
    }
    if (etag.equals(headers.get("If-Match")) && etag.equals(headers.get("If-None-Match"))) {
      assertThat(outcome).isEqualTo(Preconditions.Outcome.NOT_MODIFIED);
    }
    if (etag.equals(headers.get("If-Range"))) {
      assertThat(rangeAllowed).isTrue();
    }
    for (String name : NAMES) {
      Optional<Instant> date = HttpDates.parse(headers.get(name));
      date.ifPresent(d -> assertThat(d).isEqualTo(d.truncatedTo(ChronoUnit.SECONDS)));
    }
    Instant second = modified.truncatedTo(ChronoUnit.SECONDS);
    assertThat(HttpDates.parse(HttpDates.format(modified))).contains(second);
  }
}
