package dev.cadenza.stream.transcode;

/**
 * The bit rates variants are made at, in kbit/s: a request's limit is rounded down to a step, so
 * requests for 100, 112 and 127 kb/s share the 96 kb/s variant instead of making three.
 */
public final class BitRateLadder {

  static final int[] STEPS = {64, 96, 128, 160, 192, 256, 320};

  private BitRateLadder() {}

  /**
   * The highest step at or below {@code limit}, at most the format's highest; the lowest step below
   * it.
   */
  static int atMost(int limit, TranscodeFormat format) {
    int chosen = STEPS[0];
    for (int step : STEPS) {
      if (step <= limit && step <= format.maxBitRate()) {
        chosen = step;
      }
    }
    return chosen;
  }
}
