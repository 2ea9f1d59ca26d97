package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Fuzzes {@link RangeRequest} (docs/testing.md): whatever the {@code Range} header and the size,
 * parsing never throws (bad syntax is ignored, as RFC 9110 says), every satisfiable range lies
 * within the representation, no two overlap, and the ranges resolved, written back as a header,
 * resolve to themselves.
 */
class RangeRequestFuzzTest {

  @FuzzTest(maxDuration = "30s")
  void satisfiableRangesLieWithinTheFile(FuzzedDataProvider data) {
    // small sizes most of the time, where ranges clamp and overlap; any size now and then
    long size =
        data.consumeBoolean() ? data.consumeLong(0, 4096) : data.consumeLong(0, Long.MAX_VALUE);
    String header = data.consumeRemainingAsString();

    Optional<RangeRequest> request = RangeRequest.parse(header);
    if (request.isEmpty()) {
      return;
    }
    assertThat(header).contains("=").contains("-");
    List<ByteRange> ranges = request.get().resolve(size);

    assertThat(ranges.size()).isLessThanOrEqualTo(RangeRequest.MAX_SPECS);
    for (ByteRange r : ranges) {
      assertThat(r.first()).isBetween(0L, r.last());
      assertThat(r.last()).isLessThan(size);
      assertThat(r.contentRange(size))
          .isEqualTo("bytes " + r.first() + "-" + r.last() + "/" + size);
    }
    for (int i = 0; i < ranges.size(); i++) {
      for (int j = i + 1; j < ranges.size(); j++) {
        ByteRange x = ranges.get(i);
        ByteRange y = ranges.get(j);
        assertThat(x.first() <= y.last() && y.first() <= x.last())
            .as("%s overlaps %s for %s", x, y, header)
            .isFalse();
      }
    }
    if (!ranges.isEmpty()) {
      String canonical =
          ranges.stream().map(r -> r.first() + "-" + r.last()).collect(Collectors.joining(","));
      assertThat(RangeRequest.parse("bytes=" + canonical).orElseThrow().resolve(size))
          .as("the ranges of %s, written back", header)
          .isEqualTo(ranges);
    }
  }
}
