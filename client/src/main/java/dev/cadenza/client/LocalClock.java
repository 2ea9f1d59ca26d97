package dev.cadenza.client;

import java.time.Instant;

/**
 * The player's own clock, in microseconds since the Unix epoch. {@link ClockSync} measures how far
 * the media clock is from it, and {@link PlaybackPlan} turns media-clock instants into instants of
 * this clock.
 */
@FunctionalInterface
public interface LocalClock {

  /** Now, in microseconds since the epoch, as this clock sees it. */
  long nowMicros();

  /**
   * The system clock with nanosecond resolution: read once as a wall-clock anchor, then advanced by
   * {@link System#nanoTime()}, so it is monotonic and never steps when NTP adjusts the wall clock
   * while the player runs.
   */
  static LocalClock system() {
    Instant wall = Instant.now();
    long anchorNanos = System.nanoTime();
    long anchorMicros = wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1_000;
    return () -> anchorMicros + (System.nanoTime() - anchorNanos) / 1_000;
  }

  /**
   * This clock, running {@code shiftMicros} ahead (negative: behind). A player with a wrong clock,
   * as tests and benchmarks need them: the true time is {@code nowMicros() - shiftMicros}.
   */
  default LocalClock shiftedBy(long shiftMicros) {
    return () -> nowMicros() + shiftMicros;
  }
}
