package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.Track;

/**
 * What a run of cached chunks holds: a track's file as it is on disk ({@link File}), or bytes made
 * from it elsewhere and put in whole ({@link Made}: a transcoded variant). Both go through the same
 * tiers under the same kind of key; they differ in their origin. A file's chunk missing from L1 and
 * L2 is read from the file; a made chunk missing from both is gone ({@link MadeChunkGone}), and
 * whoever made it must make it again.
 */
public sealed interface ChunkSource permits ChunkSource.File, ChunkSource.Made {

  /** The key of chunk {@code index}. */
  ChunkKey key(int index);

  /** Bytes in all. */
  long size();

  /** The track's file. */
  record File(Track track) implements ChunkSource {

    @Override
    public ChunkKey key(int index) {
      return ChunkKey.of(track, index);
    }

    @Override
    public long size() {
      return track.size();
    }
  }

  /**
   * Bytes made from version {@code version} of track {@code trackId} and named by {@code variant},
   * {@code size} bytes long.
   */
  record Made(String trackId, String version, String variant, long size) implements ChunkSource {

    @Override
    public ChunkKey key(int index) {
      return new ChunkKey(trackId, version, variant, index);
    }
  }
}
