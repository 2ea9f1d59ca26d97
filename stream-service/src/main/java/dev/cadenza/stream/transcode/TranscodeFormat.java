package dev.cadenza.stream.transcode;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a track can be transcoded to: a codec in a container that streams (it can be written to a
 * pipe and played as it arrives), with what ffmpeg needs to make it and what clients are told.
 */
public enum TranscodeFormat {
  /** Opus in Ogg: the best quality per bit; every current browser and most players. */
  OPUS("opus", "audio/ogg", "opus", List.of("-c:a", "libopus", "-ar", "48000"), "ogg", 256),
  /** MP3: plays everywhere, the Subsonic default. */
  MP3("mp3", "audio/mpeg", "mp3", List.of("-c:a", "libmp3lame"), "mp3", 320),
  /** AAC-LC in ADTS frames: streams without a container index. */
  AAC("aac", "audio/aac", "aac", List.of("-c:a", "aac"), "adts", 320),
  /**
   * AAC-LC in fragmented MP4 (M4A): what Apple's players prefer. Fragmented, so it is written front
   * to back with no index to patch at the end, in fragments of one second: with a fragment per
   * keyframe (every AAC frame is one) ffmpeg 5.1 wrote a file whose audio could not be decoded past
   * its first seconds (LongTrackTranscodeTest).
   */
  M4A(
      "m4a",
      "audio/mp4",
      "aac",
      List.of(
          "-c:a", "aac", "-movflags", "+empty_moov+default_base_moof", "-frag_duration", "1000000"),
      "mp4",
      320);

  private final String id;
  private final String contentType;
  private final String codec;
  private final List<String> ffmpegArgs;
  private final String muxer;
  private final int maxBitRate;

  TranscodeFormat(
      String id,
      String contentType,
      String codec,
      List<String> ffmpegArgs,
      String muxer,
      int maxBitRate) {
    this.id = id;
    this.contentType = contentType;
    this.codec = codec;
    this.ffmpegArgs = ffmpegArgs;
    this.muxer = muxer;
    this.maxBitRate = maxBitRate;
  }

  /** The name requests use ({@code format=opus}) and the variant's name starts with. */
  public String id() {
    return id;
  }

  public String contentType() {
    return contentType;
  }

  /** The codec as ffprobe names it. */
  public String codec() {
    return codec;
  }

  /** The encoder and what it and the container need, for ffmpeg's output options. */
  List<String> ffmpegArgs() {
    return ffmpegArgs;
  }

  /** ffmpeg's name of the container ({@code -f}). */
  String muxer() {
    return muxer;
  }

  /** The highest bit rate of the ladder this encoder is given, in kbit/s. */
  int maxBitRate() {
    return maxBitRate;
  }

  /**
   * The format a request names, ignoring case; {@code ogg} and {@code oga} are Opus in Ogg, {@code
   * mp4} is M4A. Empty for a name that is no format here.
   */
  public static Optional<TranscodeFormat> named(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (TranscodeFormat f : values()) {
      if (f.id.equals(n)) {
        return Optional.of(f);
      }
    }
    return switch (n) {
      case "ogg", "oga" -> Optional.of(OPUS);
      case "mp4" -> Optional.of(M4A);
      default -> Optional.empty();
    };
  }

  /** The names {@link #named} accepts besides {@code raw}, for error messages. */
  public static List<String> names() {
    return List.of("opus", "mp3", "aac", "m4a");
  }
}
