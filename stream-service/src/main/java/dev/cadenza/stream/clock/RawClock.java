package dev.cadenza.stream.clock;

import java.time.Instant;

/**
 * The clock the media clock corrects and NTP exchanges are stamped with, in nanoseconds since the
 * Unix epoch.
 */
@FunctionalInterface
public interface RawClock {

  long nanos();

  /**
   * The system clock read once, then advanced by {@link System#nanoTime()}: nanosecond resolution,
   * never stepped. It runs at the kernel's disciplined rate (CLOCK_MONOTONIC is slewed like the
   * system clock) but ignores the steps a host daemon may make, which would otherwise jump the
   * media clock between two polls.
   */
  static RawClock monotonic() {
    Instant anchor = Instant.now();
    long start = System.nanoTime();
    long anchorNanos = anchor.getEpochSecond() * 1_000_000_000L + anchor.getNano();
    return () -> anchorNanos + (System.nanoTime() - start);
  }

  /** The system clock itself: the media clock when no NTP server is configured. */
  static RawClock system() {
    return () -> {
      Instant now = Instant.now();
      return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    };
  }
}
