package dev.cadenza.stream.session;

import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/**
 * Where sessions live: in this process (the embedded default) or in the DynamoDB sessions table
 * that all pods share. Writes are conditional on the version read, so concurrent commands on one
 * session are serialised, never lost. A store that cannot be reached fails with {@link
 * Unavailable}; it never answers from elsewhere. Each store counts the live sessions of each owner
 * ({@link StoredSession#ownerId}), so that a create past the owner's quota fails with {@link
 * OverQuota}.
 */
interface SessionStore extends AutoCloseable {

  /** The session, or empty when there is none or it has expired (at {@code nowMicros}). */
  Mono<StoredSession> get(String id, long nowMicros);

  /**
   * Stores a new session if its owner has fewer than {@code maxPerOwner} live sessions, else fails
   * with {@link OverQuota}; {@code false} when its id is taken, or when a concurrent create or end
   * of the same owner came first (the caller tries again).
   */
  Mono<Boolean> create(StoredSession session, int maxPerOwner);

  /**
   * Replaces the session if it is still at {@code expectedVersion}; {@code false} when another
   * change came first (or it is gone).
   */
  Mono<Boolean> replace(StoredSession next, long expectedVersion);

  /**
   * Removes the session if it is still at the version of {@code current}, and from its owner's
   * count; {@code false} when another change came first (or it is gone).
   */
  Mono<Boolean> delete(StoredSession current);

  /** Whether other pods see the same sessions, so a pod must poll for their changes. */
  boolean shared();

  /** Adds what the {@code sessions} health component shows of this store. */
  void health(Health.Builder health);

  /** Stops what the store runs in the background; on shutdown. */
  @Override
  default void close() {}

  /** The store cannot be reached: a 503, never a fallback. */
  final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * The owner has {@code max} live sessions already; the earliest of them expires in {@code
   * retryAfterSeconds} (if nobody changes it).
   */
  final class OverQuota extends RuntimeException {
    final int max;
    final long retryAfterSeconds;

    OverQuota(int max, long retryAfterSeconds) {
      super("the owner has its maximum of " + max + " live sessions", null, false, false);
      this.max = max;
      this.retryAfterSeconds = Math.max(1, retryAfterSeconds);
    }

    /** The seconds from {@code nowMicros} until {@code expiresAtMicros}, rounded up. */
    static long secondsUntil(long expiresAtMicros, long nowMicros) {
      return Math.floorDiv(expiresAtMicros - nowMicros + 999_999, 1_000_000);
    }
  }

  /** The in-memory store is full. */
  final class Full extends RuntimeException {
    final int max;

    Full(int max) {
      super("the session store holds its maximum of " + max + " sessions");
      this.max = max;
    }
  }
}
