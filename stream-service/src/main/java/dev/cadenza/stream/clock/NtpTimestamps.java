package dev.cadenza.stream.clock;

import org.apache.commons.net.ntp.TimeStamp;

/**
 * NTP's 64-bit timestamps (32-bit seconds since 1900, 32-bit fraction) to and from nanoseconds
 * since the Unix epoch, at full resolution: commons-net's own conversions go through milliseconds.
 */
final class NtpTimestamps {

  /** Seconds from 1900-01-01 (NTP era 0) to 1970-01-01. */
  static final long EPOCH_OFFSET = 2_208_988_800L;

  private static final long NANOS = 1_000_000_000L;

  private NtpTimestamps() {}

  static TimeStamp fromEpochNanos(long epochNanos) {
    long seconds = Math.floorDiv(epochNanos, NANOS);
    long nanos = Math.floorMod(epochNanos, NANOS);
    long ntpSeconds = (seconds + EPOCH_OFFSET) & 0xFFFF_FFFFL; // era 1 starts in 2036
    // rounded: a round trip through the 2^-32 s fraction gives the same nanosecond back
    long fraction = ((nanos << 32) + NANOS / 2) / NANOS;
    return new TimeStamp((ntpSeconds << 32) | (fraction & 0xFFFF_FFFFL));
  }

  static long toEpochNanos(TimeStamp t) {
    long ntpSeconds = t.getSeconds();
    // seconds with the top bit clear are in era 1 (from 2036-02-07), as RFC 4330 section 3 reads
    // them
    long seconds =
        (ntpSeconds & 0x8000_0000L) != 0
            ? ntpSeconds - EPOCH_OFFSET
            : ntpSeconds + (1L << 32) - EPOCH_OFFSET;
    long nanos = (t.getFraction() * NANOS + (1L << 31)) >>> 32;
    return seconds * NANOS + nanos;
  }

  /** NTP's 16.16 fixed-point seconds (root delay, root dispersion) in nanoseconds. */
  static long shortToNanos(int fixed) {
    return (fixed & 0xFFFF_FFFFL) * NANOS >>> 16;
  }

  static int nanosToShort(long nanos) {
    return (int) Math.min(0xFFFF_FFFFL, (Math.max(0, nanos) << 16) / NANOS);
  }
}
