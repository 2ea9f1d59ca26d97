package dev.cadenza.protocol.catalog;

/**
 * A track's ReplayGain as its tags give it: the gain in dB that brings the track (or its album) to
 * ReplayGain's reference loudness, negative to turn it down, and the peak sample as a fraction of
 * full scale (1.0 is full scale; a lossy file may exceed it). A value the file does not give is
 * null; {@link #NONE} has none.
 *
 * <p>Gains are held to 0.01 dB and peaks to 0.000001, the precision tags are written with, so that
 * every form of the catalogue (JSON, the compact format, DynamoDB) carries exactly the same value.
 * A gain beyond ±{@value #MAX_GAIN_DB} dB or a peak outside 0 to {@value #MAX_PEAK} is garbage, not
 * a measurement, and is refused.
 *
 * @param baseGain what every decoder of the file already applies, as the Opus header's output gain;
 *     the other gains apply on top of the decoder's output. Null when there is none.
 */
public record ReplayGain(
    Double trackGain, Double trackPeak, Double albumGain, Double albumPeak, Double baseGain) {

  /** Gains beyond this, in dB either way, are refused. */
  public static final double MAX_GAIN_DB = 200;

  /** Peaks above this (a linear sample value; 1.0 is full scale) are refused. */
  public static final double MAX_PEAK = 100;

  /** No ReplayGain at all. */
  public static final ReplayGain NONE = new ReplayGain(null, null, null, null, null);

  /**
   * @throws IllegalArgumentException for a gain or peak out of range, infinite or NaN
   */
  public ReplayGain {
    trackGain = gain("track gain", trackGain);
    trackPeak = peak("track peak", trackPeak);
    albumGain = gain("album gain", albumGain);
    albumPeak = peak("album peak", albumPeak);
    baseGain = gain("base gain", baseGain);
  }

  private static Double gain(String what, Double db) {
    if (db == null) {
      return null;
    }
    if (!(Math.abs(db) <= MAX_GAIN_DB)) { // NaN fails too
      throw new IllegalArgumentException(what + " " + db + " dB is beyond ±" + MAX_GAIN_DB + " dB");
    }
    return Math.round(db * 100) / 100.0;
  }

  private static Double peak(String what, Double peak) {
    if (peak == null) {
      return null;
    }
    if (!(peak >= 0 && peak <= MAX_PEAK)) {
      throw new IllegalArgumentException(what + " " + peak + " is outside 0 to " + MAX_PEAK);
    }
    return Math.round(peak * 1_000_000) / 1_000_000.0;
  }
}
