package dev.cadenza.stream.library;

/**
 * What a file says about itself: tags and stream properties. Fields a file does not carry are
 * {@code null}.
 */
public record TrackTags(
    String title,
    String artist,
    String album,
    String albumArtist,
    Integer trackNumber,
    Integer discNumber,
    Integer year,
    String genre,
    Long durationMs,
    Integer bitrate,
    Integer sampleRate,
    Integer channels,
    String codec,
    boolean hasCover) {

  static final TrackTags NONE =
      new TrackTags(
          null, null, null, null, null, null, null, null, null, null, null, null, null, false);
}
