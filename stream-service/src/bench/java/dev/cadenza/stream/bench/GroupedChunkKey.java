package dev.cadenza.stream.bench;

/**
 * A chunk key equal to {@link ChunkKey} (same track id, same index) but whose {@link #hashCode}
 * only depends on the track and {@code index >> shift}: the chunks of a group of {@code 1 << shift}
 * consecutive chunks of a track share one hash. Caffeine's frequency sketch hashes {@code
 * key.hashCode()}, so the group shares one popularity estimate, learned from every access to any of
 * its chunks. {@code shift} 31 groups a whole track.
 *
 * <p>The price: Caffeine's {@link java.util.concurrent.ConcurrentHashMap} hashes the same {@code
 * hashCode}, so a group's cached chunks all land in one bin (see {@link ChunkKeyLookupBench}).
 * Caffeine has no way to give the sketch a hash of its own.
 */
final class GroupedChunkKey {

  private final String trackId;
  private final int index;
  private final int hash;

  GroupedChunkKey(String trackId, int index, int shift) {
    this.trackId = trackId;
    this.index = index;
    this.hash = 31 * trackId.hashCode() + (shift >= 31 ? 0 : index >>> shift);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupedChunkKey k && index == k.index && trackId.equals(k.trackId);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return trackId + '#' + index;
  }
}
