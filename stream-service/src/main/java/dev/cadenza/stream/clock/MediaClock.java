package dev.cadenza.stream.clock;

/**
 * The time base of group playback: the system clock plus a smoothed offset to the configured NTP
 * servers (or the system clock alone when none is configured). It never goes backwards, and the
 * service never sets the system clock.
 */
public interface MediaClock {

  /** Now on the media clock, in microseconds since the Unix epoch. */
  long nowMicros();
}
