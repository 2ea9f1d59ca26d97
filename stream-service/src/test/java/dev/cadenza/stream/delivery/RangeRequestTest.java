package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RangeRequestTest {

  private static List<ByteRange> resolve(String header, long size) {
    return RangeRequest.parse(header).orElseThrow().resolve(size);
  }

  @Test
  void closedRangeIsInclusive() {
    assertThat(resolve("bytes=0-99", 1000)).containsExactly(new ByteRange(0, 99));
  }

  @Test
  void leadingZerosAreDigitsLikeAnyOther() {
    assertThat(resolve("bytes=000-0099", 1000)).containsExactly(new ByteRange(0, 99));
    assertThat(resolve("bytes=0000000000000000000000500-", 1000))
        .containsExactly(new ByteRange(500, 999));
  }

  @Test
  void openEndedRangeRunsToTheEnd() {
    assertThat(resolve("bytes=900-", 1000)).containsExactly(new ByteRange(900, 999));
  }

  @Test
  void suffixRangeTakesTheLastBytes() {
    assertThat(resolve("bytes=-100", 1000)).containsExactly(new ByteRange(900, 999));
  }

  @Test
  void suffixLongerThanTheFileIsTheWholeFile() {
    assertThat(resolve("bytes=-5000", 1000)).containsExactly(new ByteRange(0, 999));
  }

  @Test
  void endPastTheSizeIsClamped() {
    assertThat(resolve("bytes=500-99999999999999999999999", 1000))
        .containsExactly(new ByteRange(500, 999));
  }

  @Test
  void positionsOfNineteenDigitsAreReadNotSaturated() {
    // found by RangeRequestFuzzTest: every 19-digit number was read as Long.MAX_VALUE
    long size = 8_287_886_053_963_099_399L;
    assertThat(resolve("bytes=8287886053963099397-", size))
        .containsExactly(new ByteRange(8_287_886_053_963_099_397L, size - 1));
    assertThat(resolve("bytes=9223372036854775807-9223372036854775807", Long.MAX_VALUE)).isEmpty();
    assertThat(resolve("bytes=0-9223372036854775808", 1000)).containsExactly(new ByteRange(0, 999));
  }

  @Test
  void unitIsCaseInsensitiveAndListsAllowBlanksAndEmptyElements() {
    assertThat(resolve("Bytes=0-0 , ,10-19,", 1000))
        .containsExactly(new ByteRange(0, 0), new ByteRange(10, 19));
  }

  @Test
  void severalRangesKeepRequestOrder() {
    assertThat(resolve("bytes=500-599,0-9", 1000))
        .containsExactly(new ByteRange(500, 599), new ByteRange(0, 9));
  }

  @Test
  void overlappingRangesAreCoalescedInAscendingOrder() {
    assertThat(resolve("bytes=50-150,0-99,500-510,505-", 1000))
        .containsExactly(new ByteRange(0, 150), new ByteRange(500, 999));
  }

  @Test
  void unsatisfiableRangesAreDroppedAndNoneLeftMeans416() {
    assertThat(resolve("bytes=2000-3000,0-1", 1000)).containsExactly(new ByteRange(0, 1));
    assertThat(resolve("bytes=1000-", 1000)).isEmpty();
    assertThat(resolve("bytes=-0", 1000)).isEmpty();
    assertThat(resolve("bytes=0-10", 0)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "bytes",
        "bytes=",
        "bytes=,",
        "items=0-10",
        "bytes=10-5",
        "bytes=a-b",
        "bytes=-",
        "bytes=1-2-3",
        "bytes=0x10-20",
        "bytes= -5x",
        "bytes=+1-2",
        "bytes=1 -2",
        "bytes=0-1;0-2"
      })
  void invalidSyntaxIsIgnored(String header) {
    assertThat(RangeRequest.parse(header)).isEmpty();
  }

  @Test
  void tooManyRangesAreIgnoredAsAnAbusePattern() {
    StringBuilder h = new StringBuilder("bytes=");
    for (int i = 0; i <= RangeRequest.MAX_SPECS; i++) {
      h.append(i * 10).append('-').append(i * 10 + 1).append(',');
    }
    assertThat(RangeRequest.parse(h.toString())).isEmpty();
  }
}
