package dev.cadenza.client;

/**
 * What one {@link ClockSync} round learnt about the media clock: the sample with the lowest round
 * trip of the round (RFC 5905's clock filter).
 *
 * @param offsetMicros how far the media clock is ahead of the local clock: {@code media = local +
 *     offset}
 * @param delayMicros the round trip of the chosen exchange, minus the server's own time
 * @param errorBoundMicros the true offset lies within {@code offset ± errorBound} as far as this
 *     exchange can tell: half the delay plus the server's own bound on its media clock's error
 * @param synchronised whether the media clock followed an NTP server at the time
 * @param stratum the media clock's NTP stratum (16: not synchronised)
 * @param measuredAtLocalMicros local instant the chosen exchange completed
 * @param samples how many exchanges the round kept (the warm-up exchange is not counted)
 */
public record ClockEstimate(
    long offsetMicros,
    long delayMicros,
    long errorBoundMicros,
    boolean synchronised,
    int stratum,
    long measuredAtLocalMicros,
    int samples) {

  /**
   * How fast two clocks may drift apart, in parts per million: RFC 5905's tolerance (PHI) for a
   * quartz oscillator. An estimate's error bound grows by this much with its age.
   */
  public static final long MAX_DRIFT_PPM = 15;

  /** The error bound at local instant {@code localMicros}, grown with the estimate's age. */
  public long errorBoundAt(long localMicros) {
    long age = Math.max(0, localMicros - measuredAtLocalMicros);
    return errorBoundMicros + (age * MAX_DRIFT_PPM + 999_999) / 1_000_000;
  }

  /** The local instant at which the media clock shows {@code mediaMicros}. */
  public long toLocalMicros(long mediaMicros) {
    return mediaMicros - offsetMicros;
  }

  /** The media-clock instant at local instant {@code localMicros}. */
  public long toMediaMicros(long localMicros) {
    return localMicros + offsetMicros;
  }
}
