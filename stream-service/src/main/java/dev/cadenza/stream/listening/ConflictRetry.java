package dev.cadenza.stream.listening;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Read-modify-write against version-conditional writes: an attempt reads, applies its change and
 * writes on condition that nobody wrote meanwhile; when somebody did (an empty answer) it is run
 * again from a fresh read after a short random pause, so racing pods spread out and no change is
 * lost. Bounded: after {@link #MAX_ATTEMPTS} lost races the caller gets 409 busy.
 */
final class ConflictRetry {

  static final int MAX_ATTEMPTS = 32;

  private ConflictRetry() {}

  /**
   * Runs {@code attempt} until it completes with a value; an empty {@link Optional} means it lost a
   * race. {@code what} and {@code id} name the contended thing in the 409.
   */
  static <T> Mono<T> until(String what, String id, Supplier<Mono<Optional<T>>> attempt) {
    return run(what, id, attempt, 1);
  }

  private static <T> Mono<T> run(
      String what, String id, Supplier<Mono<Optional<T>>> attempt, int n) {
    return Mono.defer(attempt)
        .flatMap(
            result -> {
              if (result.isPresent()) {
                return Mono.just(result.get());
              }
              if (n >= MAX_ATTEMPTS) {
                return Mono.error(ListeningProblems.busy(what, id, n));
              }
              // jitter growing with the attempts, up to 10 ms
              long micros = ThreadLocalRandom.current().nextLong(1, 1_000L * Math.min(n, 10));
              return Mono.delay(Duration.ofNanos(micros * 1_000))
                  .then(Mono.defer(() -> run(what, id, attempt, n + 1)));
            });
  }
}
