package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.FileChangedException;
import java.util.concurrent.CancellationException;

/**
 * A chunk load that ended because its file is no longer the version the chunk is keyed by: an
 * expected end, not a failure. L1 holds it as a cancellation, which Caffeine drops without logging
 * a failed load; {@link ChunkCache#get} hands readers the {@link FileChangedException} again, and
 * the one response that needed the chunk logs it once.
 */
final class ChunkVersionGone extends CancellationException {

  private final FileChangedException changed;

  ChunkVersionGone(FileChangedException changed) {
    super(changed.getMessage());
    this.changed = changed;
    initCause(changed);
  }

  FileChangedException changed() {
    return changed;
  }
}
