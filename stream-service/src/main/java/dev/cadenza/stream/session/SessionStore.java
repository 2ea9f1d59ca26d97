package dev.cadenza.stream.session;

import reactor.core.publisher.Mono;

/**
 * Where sessions live: in this process (the embedded default) or in the DynamoDB sessions table
 * that all pods share. Writes are conditional on the version read, so concurrent commands on one
 * session are serialised, never lost. A store that cannot be reached fails with {@link
 * Unavailable}; it never answers from elsewhere.
 */
interface SessionStore {

  /** The session, or empty when there is none or it has expired (at {@code nowMicros}). */
  Mono<StoredSession> get(String id, long nowMicros);

  /** Stores a new session; {@code false} when its id is taken. */
  Mono<Boolean> create(StoredSession session);

  /**
   * Replaces the session if it is still at {@code expectedVersion}; {@code false} when another
   * change came first (or it is gone).
   */
  Mono<Boolean> replace(StoredSession next, long expectedVersion);

  /**
   * Removes the session if it is still at {@code expectedVersion}; {@code false} when another
   * change came first (or it is gone).
   */
  Mono<Boolean> delete(String id, long expectedVersion);

  /** Whether other pods see the same sessions, so a pod must poll for their changes. */
  boolean shared();

  /** The store cannot be reached: a 503, never a fallback. */
  final class Unavailable extends RuntimeException {
    Unavailable(String message, Throwable cause) {
      super(message, cause);
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
