package dev.cadenza.client;

import java.time.Duration;

/**
 * Exponential backoff between reconnection attempts: {@code initial}, doubling per failure in a
 * row, at most {@code max}.
 */
public record Backoff(Duration initial, Duration max) {

  /** 250 ms, 500 ms, 1 s ... capped at 5 s. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(5));

  public Backoff {
    if (initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 <= initial <= max: " + initial + ", " + max);
    }
  }

  /** The wait before attempt number {@code failures + 1}, after {@code failures >= 1} failures. */
  public Duration delay(int failures) {
    if (initial.isZero()) {
      return Duration.ZERO;
    }
    int doublings = Math.min(Math.max(failures - 1, 0), 30);
    long millis = initial.toMillis() << doublings;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }

  static void sleep(Duration wait) throws InterruptedException {
    Thread.sleep(wait.toMillis());
  }
}
