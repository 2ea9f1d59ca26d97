package dev.cadenza.stream.transcode;

import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.stream.library.AudioFormat;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.web.Problems;
import java.util.Locale;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Decides what a stream request is served: the original, or which variant (docs/transcoding.md).
 *
 * <ul>
 *   <li>No format and no limit, or {@code format=raw}: the original (still within the user's own
 *       limit, which an admin set).
 *   <li>A limit (the request's {@code maxBitRate} / {@code bitrate}, the user's, the lower of the
 *       two) that the original is within, and no other format asked for: the original.
 *   <li>The original's own format within the limit: the original (no MP3 is made from an MP3).
 *   <li>Otherwise the format asked for (or the default), at the ladder's step at or below the
 *       limit, else the default bit rate, and never above the original's own bit rate when that is
 *       lossy: a 96 kb/s MP3 is not made into a 128 kb/s Opus.
 * </ul>
 */
@Component
public class TranscodePolicy {

  /** What a request asks for. */
  public record Ask(
      String format, int maxBitRate, int userMaxBitRate, TranscodeFormat fallback, boolean strict) {

    /** The lower of the two limits that are set, 0 for none. */
    int limit() {
      if (maxBitRate > 0 && userMaxBitRate > 0) {
        return Math.min(maxBitRate, userMaxBitRate);
      }
      return Math.max(maxBitRate, userMaxBitRate);
    }
  }

  private final TranscodingProperties settings;
  private final Transcoder transcoder;

  TranscodePolicy(TranscodingProperties settings, Transcoder transcoder) {
    this.settings = settings;
    this.transcoder = transcoder;
  }

  /** The default format of the native API's requests. */
  public TranscodeFormat nativeDefault() {
    return TranscodeFormat.named(settings.defaultFormat()).orElseThrow();
  }

  /** The default format of OpenSubsonic's requests. */
  public TranscodeFormat subsonicDefault() {
    return TranscodeFormat.named(settings.subsonicDefaultFormat()).orElseThrow();
  }

  /** Whether requests for another format can be honoured now (ffmpeg is there and on). */
  public boolean available() {
    return transcoder.available();
  }

  /**
   * The variant to serve, or empty for the original. With {@code strict} (the native API), an
   * unknown format is a 400 problem; otherwise (OpenSubsonic, whose clients send what they like) it
   * is as if none was asked for.
   */
  public Optional<Variant> decide(Track track, Ask ask) {
    String name = ask.format() == null ? "" : ask.format().strip().toLowerCase(Locale.ROOT);
    Optional<TranscodeFormat> asked = Optional.empty();
    if (!name.isEmpty() && !name.equals("raw")) {
      asked = TranscodeFormat.named(name);
      if (asked.isEmpty() && ask.strict()) {
        throw Problems.badParameter(
            "format",
            ask.format(),
            "must be one of raw, " + String.join(", ", TranscodeFormat.names()));
      }
    }
    int limit = name.equals("raw") ? ask.userMaxBitRate() : ask.limit();
    Integer original = track.audio().bitrate();
    boolean withinLimit = limit <= 0 || (original != null && original <= limit);
    if (asked.isEmpty()) {
      if (withinLimit) {
        return Optional.empty();
      }
      return Optional.of(variant(track, ask.fallback(), limit));
    }
    if (withinLimit && isAlready(track, asked.get())) {
      return Optional.empty();
    }
    return Optional.of(variant(track, asked.get(), limit));
  }

  /**
   * The variant of {@code format} for a limit of {@code limit} kb/s (0: none), as {@link #decide}
   * makes it: on the ladder, not above a lossy original's own bit rate, with the ReplayGain
   * setting.
   */
  public Variant variantFor(Track track, TranscodeFormat format, int limit) {
    return variant(track, format, limit);
  }

  private Variant variant(Track track, TranscodeFormat format, int limit) {
    int target = limit > 0 ? limit : settings.defaultBitRate();
    Integer original = track.audio().bitrate();
    if (original != null && original > 0 && lossy(track.format())) {
      target = Math.min(target, original);
    }
    return new Variant(format, BitRateLadder.atMost(target, format), gain(track));
  }

  /**
   * The ReplayGain to apply per {@code cadenza.transcoding.replay-gain} ({@code track} or {@code
   * album}, the other when that one is not tagged), lowered so that the tagged peak does not clip;
   * 0 when off or not tagged. The Opus header's output gain is not added: ffmpeg's decoder applies
   * it already.
   */
  double gain(Track track) {
    String mode = settings.replayGain().toLowerCase(Locale.ROOT);
    ReplayGain rg = track.tags().replayGain();
    if (mode.equals("off") || rg == null) {
      return 0;
    }
    boolean album = mode.equals("album");
    Double gain =
        album ? first(rg.albumGain(), rg.trackGain()) : first(rg.trackGain(), rg.albumGain());
    Double peak =
        album ? first(rg.albumPeak(), rg.trackPeak()) : first(rg.trackPeak(), rg.albumPeak());
    if (gain == null) {
      return 0;
    }
    double applied = gain;
    if (peak != null && peak > 0) {
      applied = Math.min(applied, -20 * Math.log10(peak));
    }
    return Math.round(applied * 100) / 100.0;
  }

  private static Double first(Double a, Double b) {
    return a != null ? a : b;
  }

  /** Whether the file is that format already (codec and container). */
  static boolean isAlready(Track track, TranscodeFormat format) {
    String codec =
        track.audio().codec() == null ? "" : track.audio().codec().toLowerCase(Locale.ROOT);
    return switch (format) {
      case MP3 -> track.format() == AudioFormat.MP3;
      case OPUS -> track.format() == AudioFormat.OPUS;
      case AAC -> track.format() == AudioFormat.AAC;
      case M4A -> track.format() == AudioFormat.M4A && codec.contains("aac");
    };
  }

  private static boolean lossy(AudioFormat format) {
    return switch (format) {
      case FLAC, WAV -> false;
      case M4A -> false; // ALAC or AAC: not known from the container; no cap
      default -> true;
    };
  }
}
