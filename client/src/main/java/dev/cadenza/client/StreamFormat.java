package dev.cadenza.client;

import java.util.List;
import java.util.Locale;

/**
 * What a track's stream is asked for: {@link #ORIGINAL} (the file as it is), or a format and the
 * most kbit/s, which the service transcodes to (docs/transcoding.md). Either part may be left to
 * the service: a bit rate alone gets its default format, a format alone its default bit rate. The
 * service still serves the original when that already satisfies the request.
 *
 * @param format {@code opus}, {@code mp3}, {@code aac}, {@code m4a} or {@code raw} (the original,
 *     within the user's own limit); empty: the service chooses
 * @param bitRateKbps the most kbit/s, 1 to 10000; 0: no limit asked for
 */
public record StreamFormat(String format, int bitRateKbps) {

  /** The formats the service knows, as the {@code format} parameter names them. */
  public static final List<String> FORMATS = List.of("opus", "mp3", "aac", "m4a", "raw");

  /** The highest bit rate the service accepts, in kbit/s. */
  public static final int MAX_BIT_RATE_KBPS = 10_000;

  /** No parameters: the original file. */
  public static final StreamFormat ORIGINAL = new StreamFormat("", 0);

  public StreamFormat {
    format = format == null ? "" : format.strip().toLowerCase(Locale.ROOT);
    if (!format.isEmpty() && !FORMATS.contains(format)) {
      throw new IllegalArgumentException(
          "unknown format '" + format + "': one of " + String.join(", ", FORMATS));
    }
    if (bitRateKbps < 0 || bitRateKbps > MAX_BIT_RATE_KBPS) {
      throw new IllegalArgumentException(
          "a bit rate is 1 to " + MAX_BIT_RATE_KBPS + " kbit/s, got " + bitRateKbps);
    }
  }

  /** {@code format} (any case) at most {@code bitRateKbps} kbit/s; e.g. {@code of("opus", 96)}. */
  public static StreamFormat of(String format, int bitRateKbps) {
    return new StreamFormat(format, bitRateKbps);
  }

  /** The service's default format at most {@code bitRateKbps} kbit/s. */
  public static StreamFormat bitRate(int bitRateKbps) {
    if (bitRateKbps == 0) {
      throw new IllegalArgumentException("a bit rate is 1 to " + MAX_BIT_RATE_KBPS + " kbit/s");
    }
    return new StreamFormat("", bitRateKbps);
  }

  /** True when nothing is asked for: the stream's URL has no parameters. */
  public boolean isOriginal() {
    return format.isEmpty() && bitRateKbps == 0;
  }

  /** The stream URL's query: {@code ""}, or e.g. {@code "?format=opus&bitrate=96"}. */
  public String query() {
    if (isOriginal()) {
      return "";
    }
    String formatParam = format.isEmpty() ? "" : "format=" + format;
    String bitRateParam = bitRateKbps == 0 ? "" : "bitrate=" + bitRateKbps;
    return "?"
        + formatParam
        + (formatParam.isEmpty() || bitRateParam.isEmpty() ? "" : "&")
        + bitRateParam;
  }

  /** {@code original}, {@code opus}, {@code 96 kbit/s}, {@code opus at 96 kbit/s}. */
  @Override
  public String toString() {
    if (isOriginal()) {
      return "original";
    }
    String rate = bitRateKbps == 0 ? "" : bitRateKbps + " kbit/s";
    return format.isEmpty() ? rate : rate.isEmpty() ? format : format + " at " + rate;
  }
}
