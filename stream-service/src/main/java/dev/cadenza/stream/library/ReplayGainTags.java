package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.ReplayGain;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ReplayGain from a file's free-form tags ({@link FreeformTags}, Opus comments), names matched
 * without regard to case: {@code REPLAYGAIN_TRACK_GAIN}, {@code REPLAYGAIN_TRACK_PEAK}, {@code
 * REPLAYGAIN_ALBUM_GAIN} and {@code REPLAYGAIN_ALBUM_PEAK}; in Opus files also {@code
 * R128_TRACK_GAIN} and {@code R128_ALBUM_GAIN} and the header's output gain. Values are read as
 * tools write them ({@code "-6.48 dB"}, {@code "+1.20 dB"}, {@code "0.988553"}, a decimal comma);
 * one that is no number, or out of {@link ReplayGain}'s range, is left out and reported to {@link
 * IgnoredTagValues}. A bad value never makes the file unreadable.
 */
final class ReplayGainTags {

  static final String TRACK_GAIN = "REPLAYGAIN_TRACK_GAIN";
  static final String TRACK_PEAK = "REPLAYGAIN_TRACK_PEAK";
  static final String ALBUM_GAIN = "REPLAYGAIN_ALBUM_GAIN";
  static final String ALBUM_PEAK = "REPLAYGAIN_ALBUM_PEAK";
  static final String R128_TRACK_GAIN = "R128_TRACK_GAIN";
  static final String R128_ALBUM_GAIN = "R128_ALBUM_GAIN";

  // R128 gains (RFC 7845, 5.2.1) bring a track to -23 LUFS; ReplayGain's reference is 5 dB louder.
  private static final double R128_TO_REPLAYGAIN_DB = 5;

  private static final Pattern DECIMAL = Pattern.compile("([+-]?(?:\\d+(?:[.,]\\d*)?|[.,]\\d+))");
  private static final Pattern DB_SUFFIX =
      Pattern.compile("\\s*db$", Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
  private static final Pattern Q78 = Pattern.compile("[+-]?\\d{1,6}");

  /** A tag's value by upper-case name, or null when the file has none. */
  @FunctionalInterface
  interface Fields {
    String get(String upperCaseName);
  }

  private final Fields fields;
  private final Path file;
  private final IgnoredTagValues ignored;

  private ReplayGainTags(Fields fields, Path file, IgnoredTagValues ignored) {
    this.fields = fields;
    this.file = file;
    this.ignored = ignored;
  }

  /** ReplayGain from the {@code REPLAYGAIN_*} fields (ID3 TXXX, Vorbis comments, MP4 freeform). */
  static ReplayGain read(Fields fields, Path file, IgnoredTagValues ignored) {
    ReplayGainTags tags = new ReplayGainTags(fields, file, ignored);
    return new ReplayGain(
        tags.gain(TRACK_GAIN),
        tags.peak(TRACK_PEAK),
        tags.gain(ALBUM_GAIN),
        tags.peak(ALBUM_PEAK),
        null);
  }

  /**
   * ReplayGain of an Opus file: its R128 gains, converted to ReplayGain's reference, ahead of any
   * {@code REPLAYGAIN_*} gains (RFC 7845 names only R128 tags); peaks from {@code REPLAYGAIN_*}
   * (R128 has none); the header's output gain, which every decoder applies, as the base gain (left
   * out when 0 dB, as it then changes nothing). R128 gains are relative to the output gain already
   * applied, as the others then are too.
   *
   * @param outputGainQ78 the header's output gain in 1/256 dB
   */
  static ReplayGain readOpus(
      Fields comments, int outputGainQ78, Path file, IgnoredTagValues ignored) {
    ReplayGainTags tags = new ReplayGainTags(comments, file, ignored);
    Double trackGain = tags.r128(R128_TRACK_GAIN);
    Double albumGain = tags.r128(R128_ALBUM_GAIN);
    return new ReplayGain(
        trackGain != null ? trackGain : tags.gain(TRACK_GAIN),
        tags.peak(TRACK_PEAK),
        albumGain != null ? albumGain : tags.gain(ALBUM_GAIN),
        tags.peak(ALBUM_PEAK),
        outputGainQ78 == 0 ? null : outputGainQ78 / 256.0);
  }

  private Double gain(String name) {
    String raw = fields.get(name);
    if (raw == null) {
      return null;
    }
    Double db = decimal(DB_SUFFIX.matcher(raw.strip()).replaceFirst(""));
    return checked(name, raw, db, true);
  }

  private Double peak(String name) {
    String raw = fields.get(name);
    if (raw == null) {
      return null;
    }
    return checked(name, raw, decimal(raw.strip()), false);
  }

  private Double r128(String name) {
    String raw = fields.get(name);
    if (raw == null) {
      return null;
    }
    String v = raw.strip();
    Double db =
        Q78.matcher(v).matches() ? Integer.parseInt(v) / 256.0 + R128_TO_REPLAYGAIN_DB : null;
    return checked(name, raw, db, true);
  }

  /** The value if ReplayGain takes it as a gain (or a peak); else null, reported. */
  private Double checked(String name, String raw, Double value, boolean gain) {
    if (value != null) {
      try {
        return gain
            ? new ReplayGain(value, null, null, null, null).trackGain()
            : new ReplayGain(null, value, null, null, null).trackPeak();
      } catch (IllegalArgumentException outOfRange) {
        // reported below
      }
    }
    ignored.add(file, name, raw);
    return null;
  }

  private static Double decimal(String value) {
    Matcher m = DECIMAL.matcher(value);
    return m.matches() ? Double.valueOf(m.group(1).replace(',', '.')) : null;
  }
}
