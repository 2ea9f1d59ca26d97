package dev.cadenza.stream.account;

/**
 * What a user's maximum bit rate may be: no limit, or a rate between what encoders still offer and
 * uncompressed CD audio, above which a limit would limit nothing a library holds in practice.
 */
final class MaxBitRates {

  /** No limit: the default, and what profiles written before the limit existed read as. */
  static final int NO_LIMIT = 0;

  /** kbit/s: the lowest rate MP3 and Opus encoders offer for music. */
  static final int MIN = 32;

  /** kbit/s: 44.1 kHz x 16 bit x 2 channels, uncompressed CD audio. */
  static final int MAX = 1411;

  /** The rule as error messages state it. */
  static final String RULE = "0 (no limit) or " + MIN + " to " + MAX + " (kbit/s)";

  private MaxBitRates() {}

  static boolean valid(long kbps) {
    return kbps == NO_LIMIT || (kbps >= MIN && kbps <= MAX);
  }
}
