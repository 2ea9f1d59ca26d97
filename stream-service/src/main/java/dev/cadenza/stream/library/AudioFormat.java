package dev.cadenza.stream.library;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The audio container formats the library recognises, by file extension. */
public enum AudioFormat {
  MP3("mp3", "audio/mpeg"),
  FLAC("flac", "audio/flac"),
  OGG_VORBIS("ogg", "audio/ogg"),
  OPUS("opus", "audio/ogg"),
  M4A("m4a", "audio/mp4"),
  AAC("aac", "audio/aac"),
  WAV("wav", "audio/wav");

  private static final Map<String, AudioFormat> BY_EXTENSION =
      Map.of(
          "mp3", MP3,
          "flac", FLAC,
          "ogg", OGG_VORBIS,
          "oga", OGG_VORBIS,
          "opus", OPUS,
          "m4a", M4A,
          "m4b", M4A,
          "mp4", M4A,
          "aac", AAC,
          "wav", WAV);

  private final String id;
  private final String contentType;

  AudioFormat(String id, String contentType) {
    this.id = id;
    this.contentType = contentType;
  }

  /** Short name used in the API ({@code "mp3"}, {@code "opus"}...). */
  public String id() {
    return id;
  }

  /** The media type the stream is served with. */
  public String contentType() {
    return contentType;
  }

  public static Optional<AudioFormat> forFileName(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0 || dot == fileName.length() - 1) {
      return Optional.empty();
    }
    return Optional.ofNullable(
        BY_EXTENSION.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT)));
  }
}
