package dev.cadenza.protocol;

/**
 * One four-timestamp exchange (RFC 5905 section 8), in any one unit: {@code t1} client transmit,
 * {@code t2} server receive, {@code t3} server transmit, {@code t4} client receive.
 *
 * @param offset how far the server's clock is ahead of the client's: {@code ((t2-t1)+(t3-t4))/2}
 * @param delay the round trip minus the server's own time: {@code (t4-t1)-(t3-t2)}
 */
public record ClockSample(long offset, long delay) {

  public static ClockSample of(long t1, long t2, long t3, long t4) {
    // halves first: no overflow for epoch nanoseconds
    long offset = Math.floorDiv(t2 - t1, 2) + Math.floorDiv(t3 - t4, 2);
    long delay = (t4 - t1) - (t3 - t2);
    return new ClockSample(offset, delay);
  }

  /** The true offset lies within {@code offset ± delay/2} (if the server's clock is right). */
  public long errorBound() {
    return Math.max(0, delay) / 2;
  }
}
