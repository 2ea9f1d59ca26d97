package dev.cadenza.stream.account;

import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import org.springframework.security.crypto.argon2.Argon2PasswordEncoder;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Argon2id password hashes (Spring Security's encoder over Bouncy Castle), with OWASP's parameters:
 * 19 MiB of memory, 2 passes, 1 lane. A hash costs tens of milliseconds and 19 MiB on purpose, so
 * hashes run off the event loop on a scheduler of their own whose thread cap bounds how many run at
 * once (and so the memory they take) and whose queue bounds how many wait: a flood of logins waits
 * there or is refused with {@link Busy}, and never starves the rest of the service.
 *
 * <p>The parameters are written into every hash ({@code $argon2id$v=19$m=19456,t=2,p=1$...}), so
 * hashes made with other parameters still verify.
 */
final class PasswordHashing implements AutoCloseable {

  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final int LANES = 1;
  private static final int MEMORY_KIB = 19 * 1024;
  private static final int PASSES = 2;

  /** Hashes waiting per running one before new ones are refused. */
  private static final int QUEUE_PER_THREAD = 64;

  private final Argon2PasswordEncoder encoder =
      new Argon2PasswordEncoder(SALT_BYTES, HASH_BYTES, LANES, MEMORY_KIB, PASSES);
  private final Scheduler scheduler;
  private final Mono<String> dummy;

  /** {@code concurrency}: hashes computed at once. */
  PasswordHashing(int concurrency) {
    this.scheduler =
        Schedulers.newBoundedElastic(
            concurrency, concurrency * QUEUE_PER_THREAD, "argon2", 60, true);
    // what an unknown user's password is checked against, so that it costs what a known one does
    this.dummy = hash(Passwords.generate()).cache();
  }

  Mono<String> hash(String password) {
    return run(() -> encoder.encode(password));
  }

  Mono<Boolean> matches(String password, String hash) {
    return run(() -> encoder.matches(password, hash));
  }

  /** The same work as {@link #matches}, for a user that does not exist; always false. */
  Mono<Boolean> matchesNothing(String password) {
    return dummy.flatMap(h -> matches(password, h)).map(ignored -> false);
  }

  private <T> Mono<T> run(Callable<T> work) {
    return Mono.fromCallable(work)
        .subscribeOn(scheduler)
        .onErrorMap(RejectedExecutionException.class, e -> new Busy());
  }

  @Override
  public void close() {
    scheduler.dispose();
  }

  /** Too many hashes waiting: the service answers 503 with Retry-After. */
  static final class Busy extends RuntimeException {
    Busy() {
      super("too many password checks waiting", null, false, false);
    }
  }
}
