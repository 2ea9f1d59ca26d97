package dev.cadenza.stream.clock;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@link MediaClock}: a raw clock plus a correction that follows the NTP offset. The correction
 * slews toward each new offset at a bounded rate, so the clock's rate stays within {@code
 * maxSlewPpm} of the raw clock's; only a forward move larger than the step threshold is made at
 * once (the first sync of a clock that is far behind). It never goes backwards, also across
 * threads.
 */
public final class DisciplinedClock implements MediaClock {

  /**
   * The correction as a function of raw time: {@code from} at raw instant {@code since}, moving
   * toward {@code target} at {@code ratePpm}.
   */
  private record Slew(long since, long from, long target, long ratePpm) {

    long at(long raw) {
      long elapsed = Math.max(0, raw - since);
      long gap = target - from;
      // in double: a long product would overflow after a day at high rates; moved < |gap| here
      double moved = elapsed * (double) ratePpm / 1e6;
      return moved >= Math.abs(gap) ? target : from + Long.signum(gap) * (long) moved;
    }
  }

  private final RawClock raw;
  private final long maxSlewPpm;
  private final long stepThresholdNanos;
  private final AtomicLong lastMicros = new AtomicLong(Long.MIN_VALUE);
  private volatile Slew slew = new Slew(0, 0, 0, 0);

  public DisciplinedClock(RawClock raw, long maxSlewPpm, long stepThresholdNanos) {
    this.raw = raw;
    this.maxSlewPpm = maxSlewPpm;
    this.stepThresholdNanos = stepThresholdNanos;
  }

  @Override
  public long nowMicros() {
    long micros = Math.floorDiv(nowNanos(), 1_000);
    // two threads may read the raw clock in one order and get here in the other
    return lastMicros.accumulateAndGet(micros, Math::max);
  }

  /** Now in nanoseconds; not guarded across threads (for stamping NTP replies). */
  long nowNanos() {
    long r = raw.nanos();
    return r + slew.at(r);
  }

  /** The raw clock this clock corrects. */
  RawClock raw() {
    return raw;
  }

  /** The correction now, in nanoseconds: media minus raw. */
  public long correctionNanos() {
    return slew.at(raw.nanos());
  }

  /**
   * Moves the correction toward {@code offsetNanos} (the measured offset of the true time over the
   * raw clock): a step when it is ahead by more than the threshold, a slew otherwise.
   *
   * @return whether it stepped
   */
  public synchronized boolean steer(long offsetNanos) {
    long now = raw.nanos();
    long current = slew.at(now);
    if (offsetNanos - current > stepThresholdNanos) {
      slew = new Slew(now, offsetNanos, offsetNanos, 0);
      return true;
    }
    slew = new Slew(now, current, offsetNanos, maxSlewPpm);
    return false;
  }
}
