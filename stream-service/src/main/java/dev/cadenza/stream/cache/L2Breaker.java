package dev.cadenza.stream.cache;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Guards every call to L2. DynamoDB errors, throttling and timeouts open it; while open, chunks
 * come from L1 and the library files only, and L2 writes are dropped. After {@code
 * cadenza.dynamodb.breaker-wait} it lets a few calls (and the {@link #probe} a scheduler runs) test
 * DynamoDB, and closes when they succeed.
 */
final class L2Breaker {

  private static final Logger log = LoggerFactory.getLogger(L2Breaker.class);

  private final CircuitBreaker breaker;

  L2Breaker(Duration wait, Duration timeout, Runnable onOpen) {
    CircuitBreakerConfig config =
        CircuitBreakerConfig.custom()
            .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
            .slidingWindowSize(20)
            .minimumNumberOfCalls(5)
            .failureRateThreshold(50)
            .slowCallDurationThreshold(timeout)
            .slowCallRateThreshold(100)
            .waitDurationInOpenState(wait)
            .permittedNumberOfCallsInHalfOpenState(3)
            .automaticTransitionFromOpenToHalfOpenEnabled(true)
            .recordException(e -> true)
            .build();
    this.breaker = CircuitBreaker.of("dynamodb-chunks", config);
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              switch (e.getStateTransition().getToState()) {
                case OPEN -> {
                  onOpen.run();
                  log.warn(
                      "DynamoDB chunk cache failing; serving from memory and the library for {}"
                          + " before probing again",
                      wait);
                }
                case CLOSED -> log.info("DynamoDB chunk cache is back");
                default -> log.debug("DynamoDB chunk cache breaker {}", e.getStateTransition());
              }
            });
  }

  /** Whether a call may go to L2 now; a {@code true} must be followed by {@link #record}. */
  boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  /** Records the outcome of a permitted call that started at {@code startNanos}. */
  void record(long startNanos, Throwable error) {
    long took = System.nanoTime() - startNanos;
    if (error == null) {
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
    } else {
      breaker.onError(took, TimeUnit.NANOSECONDS, error);
    }
  }

  /**
   * Runs a call permitted by {@link #tryAcquire} and records its outcome: a call that throws, or
   * whose future fails, counts as a failure.
   */
  <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
    long start = System.nanoTime();
    CompletableFuture<T> f;
    try {
      f = call.get();
    } catch (RuntimeException e) {
      record(start, e);
      return CompletableFuture.failedFuture(e);
    }
    return f.whenComplete((r, e) -> record(start, e));
  }

  /** While not closed, tests L2 with one cheap call, so the breaker closes without traffic too. */
  void probe(Supplier<CompletableFuture<Void>> probe) {
    if (breaker.getState() != CircuitBreaker.State.CLOSED && tryAcquire()) {
      call(probe);
    }
  }

  CircuitBreaker.State state() {
    return breaker.getState();
  }

  boolean closed() {
    return breaker.getState() == CircuitBreaker.State.CLOSED;
  }

  /** For the gauge: 0 closed, 1 half-open, 2 open (and forced states). */
  int stateCode() {
    return switch (breaker.getState()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      default -> 2;
    };
  }
}
