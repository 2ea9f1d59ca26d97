package dev.cadenza.stream.delivery;

import dev.cadenza.stream.cache.ChunkSource;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.transcode.Transcoder;

/**
 * What a stream response with a known length sends: the track's file, or a variant of it made whole
 * (a transcode), each with its own validator, length and type. Byte ranges, conditional requests
 * and the cache work the same on both.
 *
 * @param variant the variant's name, null for the original
 */
record Representation(
    Track track, ChunkSource source, String etag, long size, String contentType, String variant) {

  static Representation original(Track track) {
    return new Representation(
        track,
        new ChunkSource.File(track),
        track.etag(),
        track.size(),
        track.format().contentType(),
        null);
  }

  static Representation made(Track track, Transcoder.Made made, String contentType) {
    return new Representation(
        track,
        made.source(),
        made.etag(),
        made.source().size(),
        contentType,
        made.source().variant());
  }

  boolean isOriginal() {
    return variant == null;
  }
}
