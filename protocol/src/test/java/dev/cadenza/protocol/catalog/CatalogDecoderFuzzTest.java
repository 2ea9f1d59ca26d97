package dev.cadenza.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.sun.management.ThreadMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded fuzzing of the decoder: mutations of valid pages (bit flips, overwritten, inserted and
 * deleted bytes, truncations, spliced pages, huge varints) and random bytes. Whatever the input,
 * the decoder returns a page or throws {@link CatalogFormatException}, and allocates at most a
 * small multiple of the input's size.
 */
class CatalogDecoderFuzzTest {

  private static final int CASES = 60_000;
  private static final long SEED = 20261126L;

  // Decoded objects cost more than their compact bytes (a 12-byte id becomes a 56-byte String),
  // so the bound is a generous multiple; what it rules out is an allocation the input declared.
  private static final long ALLOCATION_PER_INPUT_BYTE = 64;
  private static final long ALLOCATION_BASE = 512 * 1024;

  private final Random random = new Random(SEED);
  private final ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();

  @Test
  void malformedInputOnlyEverRaisesCatalogFormatException() throws Exception {
    List<byte[]> seeds =
        List.of(
            CatalogCodec.encode(new CatalogPage(List.of(), null)),
            CatalogCodec.encode(
                new CatalogPage(
                    List.of(SampleTracks.firstLight(), SampleTracks.untagged()), "next-cursor")),
            CatalogCodec.encode(new CatalogPage(SampleTracks.albums(4, 5, 1), "6MF07cBKcIpIKS4B")));
    boolean measureAllocation = threads.isThreadAllocatedMemorySupported();
    if (measureAllocation) {
      threads.setThreadAllocatedMemoryEnabled(true);
    }
    for (byte[] seed : seeds) {
      CatalogCodec.decode(seed); // loads the classes before allocation is measured
    }

    int rejected = 0;
    int decoded = 0;
    for (int i = 0; i < CASES; i++) {
      byte[] input = mutate(seeds.get(random.nextInt(seeds.size())), seeds);
      long before = allocated();
      try {
        CatalogPage page = CatalogCodec.decode(input);
        decoded++;
        // what decodes must survive its own round trip
        assertThat(CatalogCodec.decode(CatalogCodec.encode(page))).isEqualTo(page);
      } catch (CatalogFormatException expected) {
        rejected++;
        assertThat(expected.getMessage()).isNotBlank();
      } catch (Throwable unexpected) {
        fail(
            "case %d escaped with %s for input %s", i, unexpected, HexFormat.of().formatHex(input));
      }
      if (measureAllocation) {
        long allocation = allocated() - before;
        if (allocation > ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * input.length) {
          // the first input down a new path also loads classes and links string concatenations
          // (megabytes once, when this test runs first in its JVM): what counts is a repeat
          allocation = allocatedDecoding(input);
        }
        assertThat(allocation)
            .as("bytes allocated decoding case %d of %d bytes", i, input.length)
            .isLessThanOrEqualTo(ALLOCATION_BASE + ALLOCATION_PER_INPUT_BYTE * input.length);
      }
    }

    assertThat(rejected + decoded).isEqualTo(CASES);
    assertThat(rejected).as("most mutations break the page").isGreaterThan(CASES / 2);
  }

  private long allocated() {
    return threads.getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  private long allocatedDecoding(byte[] input) {
    long before = allocated();
    try {
      CatalogCodec.decode(input);
    } catch (CatalogFormatException expected) {
      // measured either way
    }
    return allocated() - before;
  }

  private byte[] mutate(byte[] seed, List<byte[]> seeds) {
    byte[] b = seed.clone();
    return switch (random.nextInt(9)) {
      case 0 -> flipBits(b, 1 + random.nextInt(8));
      case 1 -> overwrite(b, 1 + random.nextInt(4));
      case 2 -> Arrays.copyOf(b, random.nextInt(b.length));
      case 3 -> insert(b, randomBytes(1 + random.nextInt(8)));
      case 4 -> delete(b);
      case 5 -> insert(b, hugeVarint());
      case 6 -> splice(b, seeds.get(random.nextInt(seeds.size())));
      case 7 -> withHeader(randomBytes(random.nextInt(200)));
      default -> randomBytes(random.nextInt(300));
    };
  }

  private byte[] flipBits(byte[] b, int flips) {
    for (int i = 0; i < flips; i++) {
      int at = random.nextInt(b.length);
      b[at] ^= (byte) (1 << random.nextInt(8));
    }
    return b;
  }

  private byte[] overwrite(byte[] b, int bytes) {
    for (int i = 0; i < bytes; i++) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    }
    return b;
  }

  private byte[] insert(byte[] b, byte[] extra) {
    int at = random.nextInt(b.length + 1);
    byte[] out = new byte[b.length + extra.length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(extra, 0, out, at, extra.length);
    System.arraycopy(b, at, out, at + extra.length, b.length - at);
    return out;
  }

  private byte[] delete(byte[] b) {
    int at = random.nextInt(b.length);
    int length = 1 + random.nextInt(Math.min(16, b.length - at));
    byte[] out = new byte[b.length - length];
    System.arraycopy(b, 0, out, 0, at);
    System.arraycopy(b, at + length, out, at, b.length - at - length);
    return out;
  }

  /** The head of one page on the tail of another. */
  private byte[] splice(byte[] a, byte[] b) {
    int cutA = random.nextInt(a.length + 1);
    int cutB = random.nextInt(b.length + 1);
    byte[] out = Arrays.copyOf(a, cutA + b.length - cutB);
    System.arraycopy(b, cutB, out, cutA, b.length - cutB);
    return out;
  }

  /** A varint near a limit: 2^16, 2^20, 2^31 - 1 or 2^64 - 1. */
  private byte[] hugeVarint() {
    WireWriter w = new WireWriter(16);
    long[] values = {1L << 16, 1L << 20, Integer.MAX_VALUE, -1L};
    w.writeVarint(values[random.nextInt(values.length)] + random.nextInt(3) - 1);
    return w.toByteArray();
  }

  private byte[] withHeader(byte[] body) {
    byte[] out = new byte[5 + body.length];
    System.arraycopy(CatalogFormat.MAGIC, 0, out, 0, 4);
    out[4] = CatalogFormat.VERSION;
    System.arraycopy(body, 0, out, 5, body.length);
    return out;
  }

  private byte[] randomBytes(int length) {
    byte[] b = new byte[length];
    random.nextBytes(b);
    return b;
  }
}
