package dev.cadenza.stream.cache;

/**
 * A chunk of a {@link ChunkSource.Made} that neither L1 nor L2 holds any more (evicted, expired, or
 * never written to L2): there is no file to read it from. Whoever made the bytes makes them again.
 */
public final class MadeChunkGone extends RuntimeException {

  private final transient ChunkKey key;

  public MadeChunkGone(ChunkKey key) {
    super(
        "Chunk "
            + key.index()
            + " of "
            + key.variant()
            + " of track "
            + key.trackId()
            + " is in no cache tier any more",
        null,
        false,
        false);
    this.key = key;
  }

  public ChunkKey key() {
    return key;
  }
}
