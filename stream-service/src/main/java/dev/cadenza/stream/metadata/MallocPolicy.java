package dev.cadenza.stream.metadata;

import com.sun.jna.Function;
import com.sun.jna.Platform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps glibc's malloc placing large blocks (128 KiB and more) in their own mappings, so that
 * freeing them, as freeing the embedding model does ({@link OnDemandModel}), returns them to the
 * system at once. glibc starts with this 128 KiB threshold but raises it, up to 32 MiB, each time a
 * block that large is freed: after the model's load frees its buffers, its later allocations land
 * in malloc's arenas, where freed memory stays resident amid live blocks that a trim cannot return
 * (bench/memory.sh: 8 MiB more at rest, docs/memory.md). Fixing the threshold stops the raising.
 *
 * <p>{@code MALLOC_MMAP_THRESHOLD_} in the environment wins; another C library is left alone.
 */
final class MallocPolicy {

  private static final Logger log = LoggerFactory.getLogger(MallocPolicy.class);

  /** glibc's own initial threshold. */
  static final int MMAP_THRESHOLD = 128 * 1024;

  private static final int M_MMAP_THRESHOLD = -3; // malloc.h

  private MallocPolicy() {}

  /** Sets the threshold; whether glibc took it (false elsewhere, or when the environment chose). */
  static synchronized boolean fixMmapThreshold() {
    if (System.getenv("MALLOC_MMAP_THRESHOLD_") != null || !Platform.isLinux()) {
      return false;
    }
    try {
      Function mallopt = Function.getFunction(Platform.C_LIBRARY_NAME, "mallopt");
      boolean taken = mallopt.invokeInt(new Object[] {M_MMAP_THRESHOLD, MMAP_THRESHOLD}) == 1;
      log.debug("malloc's mmap threshold fixed at {} bytes: {}", MMAP_THRESHOLD, taken);
      return taken;
    } catch (UnsatisfiedLinkError e) {
      // musl and other C libraries have no mallopt; their heaps are not glibc's
      log.debug("No mallopt in the C library: {}", e.toString());
      return false;
    }
  }
}
