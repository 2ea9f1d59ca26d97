package dev.cadenza.stream.cache;

import dev.cadenza.stream.dynamodb.DynamoDbFault;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How the last L2 calls ended, for the {@code chunkCache} health: the breaker opens only when half
 * of them fail, but a pod whose DynamoDB throttles or drops a fifth of its calls is degraded too,
 * and its health should say so and why. Holds the last {@link #SIZE} calls (the breaker's window)
 * and forgets calls older than {@code maxAge}, so a pod without traffic does not report an old
 * fault forever.
 */
final class RecentCalls {

  /** Calls remembered: as many as the breaker counts over. */
  static final int SIZE = 20;

  /** Among the calls remembered, how many failed, by kind. */
  record Summary(int calls, Map<DynamoDbFault, Integer> failed) {

    int failures() {
      return failed.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** E.g. {@code throttled 7, timeout 1}. */
    String kinds() {
      StringBuilder s = new StringBuilder();
      failed.forEach(
          (k, n) -> s.append(s.isEmpty() ? "" : ", ").append(k.tag()).append(' ').append(n));
      return s.toString();
    }

    /** For the health details: calls, failed, and the count of each kind that occurred. */
    Map<String, Integer> details() {
      Map<String, Integer> d = new LinkedHashMap<>();
      d.put("calls", calls);
      d.put("failed", failures());
      failed.forEach((k, n) -> d.put(k.tag(), n));
      return d;
    }
  }

  private final long maxAgeNanos;
  private final LongSupplier nanoTime;
  private final DynamoDbFault[] faults = new DynamoDbFault[SIZE]; // null: the call succeeded
  private final long[] endedAt = new long[SIZE];
  private int next;
  private int count;

  RecentCalls(Duration maxAge, LongSupplier nanoTime) {
    this.maxAgeNanos = maxAge.toNanos();
    this.nanoTime = nanoTime;
  }

  /** A call ended: {@code fault} is {@code null} when it succeeded. */
  synchronized void record(DynamoDbFault fault) {
    faults[next] = fault;
    endedAt[next] = nanoTime.getAsLong();
    next = (next + 1) % SIZE;
    count = Math.min(SIZE, count + 1);
  }

  /** The calls remembered that ended within {@code maxAge}. */
  synchronized Summary summary() {
    long now = nanoTime.getAsLong();
    int calls = 0;
    Map<DynamoDbFault, Integer> failed = new EnumMap<>(DynamoDbFault.class);
    for (int i = 0; i < count; i++) {
      if (now - endedAt[i] > maxAgeNanos) {
        continue;
      }
      calls++;
      if (faults[i] != null) {
        failed.merge(faults[i], 1, Integer::sum);
      }
    }
    return new Summary(calls, failed);
  }
}
