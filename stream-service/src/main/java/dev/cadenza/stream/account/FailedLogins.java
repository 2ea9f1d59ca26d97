package dev.cadenza.stream.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Failed logins, counted per username and per client address in this pod's memory (a bounded
 * Caffeine cache): after too many failures within the window, further attempts are refused without
 * checking for a lockout that doubles with each repetition. Pods do not share counts, so an
 * attacker spreading attempts over N pods gets N times the budget; the lockouts still grow per pod.
 */
final class FailedLogins {

  /** Usernames and addresses tracked at most: bounds memory under a spray of made-up names. */
  private static final int MAX_TRACKED = 100_000;

  private final AuthProperties.FailedLogins limits;
  private final LongSupplier nanoTime;
  private final Cache<String, Record> records;

  /** Failures in the current window, and the lockouts so far with when the last one ends. */
  private record Record(int failures, long windowStart, int lockouts, long lockedUntil) {}

  FailedLogins(AuthProperties.FailedLogins limits, LongSupplier nanoTime) {
    this.limits = limits;
    this.nanoTime = nanoTime;
    this.records =
        Caffeine.newBuilder()
            .maximumSize(MAX_TRACKED)
            .ticker(nanoTime::getAsLong)
            .expireAfterWrite(
                limits.window().plus(limits.maxLockout()).toNanos(), TimeUnit.NANOSECONDS)
            .build();
  }

  /** Refuses with {@code RATE_LIMITED} while the username (may be null) or address is locked. */
  void check(String username, String address) {
    long now = nanoTime.getAsLong();
    long wait = Math.max(lockedFor(userKey(username), now), lockedFor(addressKey(address), now));
    if (wait > 0) {
      throw new Authenticator.Refused(
          Authenticator.Reason.RATE_LIMITED,
          Math.max(1, TimeUnit.NANOSECONDS.toSeconds(wait + 999_999_999)));
    }
  }

  void failed(String username, String address) {
    if (username != null) {
      count(userKey(username), limits.maxFailures());
    }
    count(addressKey(address), limits.maxFailuresPerAddress());
  }

  /** A successful login clears the username's record (not the address's). */
  void succeeded(String username) {
    if (username != null) {
      records.invalidate(userKey(username));
    }
  }

  private long lockedFor(String key, long now) {
    if (key == null) {
      return 0;
    }
    Record r = records.getIfPresent(key);
    return r == null ? 0 : r.lockedUntil() - now;
  }

  private void count(String key, int max) {
    if (key == null) {
      return;
    }
    long now = nanoTime.getAsLong();
    records
        .asMap()
        .compute(
            key,
            (k, r) -> {
              if (r == null) {
                r = new Record(0, now, 0, now);
              }
              boolean windowOver = now - r.windowStart() > limits.window().toNanos();
              int failures = (windowOver ? 0 : r.failures()) + 1;
              long windowStart = windowOver ? now : r.windowStart();
              if (failures < max) {
                return new Record(failures, windowStart, r.lockouts(), r.lockedUntil());
              }
              int lockouts = r.lockouts() + 1;
              return new Record(0, now, lockouts, now + lockout(lockouts));
            });
  }

  /** The lockout after the {@code n}th: the base doubled n-1 times, at most the maximum. */
  private long lockout(int n) {
    long base = limits.lockout().toNanos();
    long max = limits.maxLockout().toNanos();
    long lockout = base;
    for (int i = 0; i < n - 1 && lockout < max; i++) {
      lockout = lockout * 2;
    }
    return Math.min(lockout, max);
  }

  private static String userKey(String username) {
    return username == null ? null : "user:" + Usernames.key(username);
  }

  private static String addressKey(String address) {
    return address == null ? null : "address:" + address;
  }
}
