package dev.cadenza.stream.dynamodb;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * A circuit breaker (Resilience4j) over the calls to one DynamoDB table: the chunk cache, the
 * sessions and the item store each have one. Errors, throttling and calls slower than {@code
 * cadenza.dynamodb.timeout} count as failures; a failed condition is an answer, not a failure. Over
 * the last 20 calls, once at least 5 were made and half of them failed, it opens: calls are refused
 * at once, without waiting on DynamoDB. After {@code cadenza.dynamodb.breaker-wait} it is half-open
 * and lets 3 calls test the table, and closes when they succeed; while it is not closed the {@code
 * probe} tests the table every {@code breaker-wait}, so that it closes without traffic too.
 */
public final class TableBreaker implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(TableBreaker.class);

  /** What the breaker's user does when it opens or closes (logs once, counts). */
  public interface Transitions {

    /**
     * The breaker opened: {@code outage} when it was closed before (DynamoDB just started failing),
     * not when a half-open test failed.
     */
    void opened(boolean outage);

    /** The breaker closed again: DynamoDB answers. */
    void closed();
  }

  /**
   * Transitions logged once per outage: at WARN when the breaker opens after being closed ({@code
   * what} failing; {@code whileOpen}), at DEBUG when a half-open test fails, at INFO when it
   * closes; {@code onOpen} runs on every opening (a counter).
   */
  public static Transitions logged(
      Logger log, String what, String whileOpen, Duration wait, Runnable onOpen) {
    return new Transitions() {
      @Override
      public void opened(boolean outage) {
        onOpen.run();
        if (outage) {
          log.warn("{} failing; {}; probing every {}", what, whileOpen, wait);
        } else {
          log.debug("{} still failing; probing again in {}", what, wait);
        }
      }

      @Override
      public void closed() {
        log.info("{} is back", what);
      }
    };
  }

  /** A call refused by the open breaker: DynamoDB was not called. */
  public static final class Refused extends RuntimeException {
    Refused(String name) {
      super(
          "the "
              + name
              + " circuit breaker is open: DynamoDB failed recently, so it was not called",
          null,
          false,
          false);
    }
  }

  private final String name;
  private final CircuitBreaker breaker;
  private final Supplier<CompletableFuture<Void>> probe;
  private final Disposable prober;

  /**
   * A breaker named {@code name} (in logs and errors) that stays open {@code wait}, counts calls
   * over {@code timeout} as slow, and, while not closed, runs {@code probe} (a cheap call that
   * succeeds only when the table is reachable) every {@code wait}.
   */
  public TableBreaker(
      String name,
      Duration wait,
      Duration timeout,
      Supplier<CompletableFuture<Void>> probe,
      Transitions transitions) {
    this.name = name;
    this.probe = probe;
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
    this.breaker = CircuitBreaker.of(name, config);
    breaker
        .getEventPublisher()
        .onStateTransition(
            e -> {
              CircuitBreaker.StateTransition t = e.getStateTransition();
              switch (t.getToState()) {
                case OPEN -> transitions.opened(t.getFromState() == CircuitBreaker.State.CLOSED);
                case CLOSED -> transitions.closed();
                default -> log.debug("DynamoDB {} breaker {}", name, t);
              }
            });
    long every = wait.toMillis();
    this.prober =
        Schedulers.parallel()
            .schedulePeriodically(this::probe, every, every, TimeUnit.MILLISECONDS);
  }

  /** Whether a call may go to DynamoDB now; a {@code true} must be followed by {@link #record}. */
  public boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  /** Records the outcome of a permitted call that started at {@code startNanos}. */
  public void record(long startNanos, Throwable error) {
    long took = System.nanoTime() - startNanos;
    Throwable cause =
        error instanceof CompletionException c && c.getCause() != null ? c.getCause() : error;
    if (cause == null || cause instanceof ConditionalCheckFailedException) {
      breaker.onSuccess(took, TimeUnit.NANOSECONDS);
    } else {
      breaker.onError(took, TimeUnit.NANOSECONDS, cause);
    }
  }

  /**
   * Runs a call permitted by {@link #tryAcquire} and records its outcome: a call that throws, or
   * whose future fails, counts as a failure. Recorded when the call ends, whoever still waits.
   */
  public <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> call) {
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

  /**
   * The call as a {@link Mono} for a request's chain ({@link Calls#mono}), through the breaker:
   * while it is open the Mono fails at once with {@code unavailable}'s exception of a {@link
   * Refused}, without calling DynamoDB.
   */
  public <T> Mono<T> mono(
      Supplier<CompletableFuture<T>> dynamoDbCall,
      Function<Throwable, RuntimeException> unavailable) {
    return Mono.defer(
        () ->
            tryAcquire()
                ? Calls.mono(() -> call(dynamoDbCall), unavailable)
                : Mono.error(unavailable.apply(new Refused(name))));
  }

  /**
   * While not closed, tests the table with the probe, so the breaker closes without traffic too.
   */
  void probe() {
    if (breaker.getState() != CircuitBreaker.State.CLOSED && tryAcquire()) {
      call(probe);
    }
  }

  public CircuitBreaker.State state() {
    return breaker.getState();
  }

  public boolean closed() {
    return breaker.getState() == CircuitBreaker.State.CLOSED;
  }

  /** For a gauge: 0 closed, 1 half-open, 2 open (and forced states). */
  public int stateCode() {
    return switch (breaker.getState()) {
      case CLOSED -> 0;
      case HALF_OPEN -> 1;
      default -> 2;
    };
  }

  /** Stops the probe. */
  @Override
  public void close() {
    prober.dispose();
  }
}
