package dev.cadenza.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;

/**
 * Coverage-guided fuzzing of the decoder (docs/testing.md): whatever the bytes, {@link
 * CatalogCodec#decode} returns a page or throws {@link CatalogFormatException}, allocates at most a
 * small multiple of the input's size, and what it decodes survives its own round trip. The corpus
 * (valid pages of {@link SampleTracks}, and every input that once failed) is under {@code
 * src/test/resources/.../CatalogPageFuzzTestInputs}; {@link CatalogDecoderFuzzTest} mutates the
 * same kind of seeds with a fixed random seed.
 */
class CatalogPageFuzzTest {

  // as in CatalogDecoderFuzzTest: decoded objects cost more than their compact bytes, but nothing
  // the input merely declares may be allocated
  private static final long ALLOCATION_PER_INPUT_BYTE = 64;
  private static final long ALLOCATION_BASE = 512 * 1024;

  private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  @FuzzTest(maxDuration = "30s")
  void decodesAPageOrRejectsTheBytes(byte[] input) {
    CatalogPage page;
    try {
      page = CatalogCodec.decode(input);
    } catch (CatalogFormatException rejected) {
      assertThat(rejected.getMessage()).isNotBlank();
      assertThat(rejected.offset()).isBetween(0, input.length);
      page = null;
    }
    assertThat(allocatedDecoding(input))
        .as("bytes allocated decoding %d bytes", input.length)
        .isLessThanOrEqualTo(ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * input.length);
    if (page != null) {
      try {
        assertThat(CatalogCodec.decode(CatalogCodec.encode(page))).isEqualTo(page);
      } catch (CatalogFormatException e) {
        throw new AssertionError("a decoded page does not decode once re-encoded", e);
      }
    }
  }

  /**
   * What decoding {@code input} allocates, measured on a second decode: the first one on a new path
   * also links its string concatenations and loads classes, which costs megabytes once.
   */
  private static long allocatedDecoding(byte[] input) {
    if (!THREADS.isThreadAllocatedMemorySupported() || !THREADS.isThreadAllocatedMemoryEnabled()) {
      return 0;
    }
    long thread = Thread.currentThread().getId();
    long before = THREADS.getThreadAllocatedBytes(thread);
    try {
      CatalogCodec.decode(input);
    } catch (CatalogFormatException expected) {
      // measured either way
    }
    return THREADS.getThreadAllocatedBytes(thread) - before;
  }
}
