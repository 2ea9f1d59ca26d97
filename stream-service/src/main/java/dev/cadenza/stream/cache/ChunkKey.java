package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.Track;

/**
 * One chunk of one version of one track: the unit of the cache in every tier. The version is part
 * of the key, so bytes of a file that has since changed can never answer for the new file.
 *
 * @param trackId the track's id
 * @param version the track's ETag without quotes ({@code <mtime ns hex>-<size hex>})
 * @param variant which bytes: {@link #ORIGINAL} is the file as it is on disk
 * @param index the chunk's position: it holds bytes {@code [index * chunkSize, (index + 1) *
 *     chunkSize)} of the variant
 */
public record ChunkKey(String trackId, String version, String variant, int index) {

  /** The unmodified file. */
  public static final String ORIGINAL = "original";

  public static ChunkKey of(Track track, int index) {
    String etag = track.etag();
    return new ChunkKey(track.id(), etag.substring(1, etag.length() - 1), ORIGINAL, index);
  }

  /**
   * The chunks table's partition key: {@code <track id>#<version>#<variant>#<index>}. The chunk
   * size is not in it: pods sharing a table must use the same chunk size (the operator gives all
   * pods of a MusicDelivery the same); a chunk of another size read back is rejected by its length.
   */
  public String partitionKey() {
    return trackId + '#' + version + '#' + variant + '#' + index;
  }
}
