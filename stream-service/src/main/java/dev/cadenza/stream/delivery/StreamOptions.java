package dev.cadenza.stream.delivery;

import dev.cadenza.stream.transcode.TranscodePolicy;

/**
 * What a stream request asks for beyond the track: a format and bit rate, where to start, and
 * whether to announce a length for a transcode still being made.
 *
 * @param transcode the format and limits asked for; null for the original whatever the user
 * @param offsetSeconds start this far into the track (OpenSubsonic {@code timeOffset}); a transcode
 *     from there, never cached
 * @param estimateLength announce an estimated {@code Content-Length} for a transcode being made
 *     (OpenSubsonic {@code estimateContentLength}): the body is cut or padded with zeros to it
 */
public record StreamOptions(
    TranscodePolicy.Ask transcode, double offsetSeconds, boolean estimateLength) {

  /** The original, as it is. */
  public static final StreamOptions ORIGINAL = new StreamOptions(null, 0, false);
}
