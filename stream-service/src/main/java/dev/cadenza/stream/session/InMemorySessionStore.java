package dev.cadenza.stream.session;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import reactor.core.publisher.Mono;

/**
 * Sessions in this process, for the embedded default (no DynamoDB): they live as long as the pod
 * does. Bounded by {@code cadenza.sessions.max-sessions}; expired sessions count until {@link
 * #removeExpired} drops them, and a full store drops them before refusing a new one.
 */
final class InMemorySessionStore implements SessionStore {

  private final ConcurrentHashMap<String, StoredSession> sessions = new ConcurrentHashMap<>();
  private final int maxSessions;
  private final LongSupplier nowMicros;
  private final Consumer<StoredSession> onExpired;

  /** {@code onExpired} hears of every session this store drops because it expired. */
  InMemorySessionStore(int maxSessions, LongSupplier nowMicros, Consumer<StoredSession> onExpired) {
    this.maxSessions = maxSessions;
    this.nowMicros = nowMicros;
    this.onExpired = onExpired;
  }

  @Override
  public Mono<StoredSession> get(String id, long now) {
    return Mono.fromSupplier(
        () -> {
          StoredSession s = sessions.get(id);
          return s == null || s.expiredAt(now) ? null : s;
        });
  }

  @Override
  public Mono<Boolean> create(StoredSession session) {
    return Mono.fromSupplier(
        () -> {
          if (sessions.size() >= maxSessions) {
            removeExpired(nowMicros.getAsLong());
            // a bound, not an exact count: racing creates may pass it by a few
            if (sessions.size() >= maxSessions) {
              throw new Full(maxSessions);
            }
          }
          return sessions.putIfAbsent(session.id(), session) == null;
        });
  }

  @Override
  public Mono<Boolean> replace(StoredSession next, long expectedVersion) {
    return Mono.fromSupplier(
        () -> {
          // compare-and-set on the version: the map's atomic compute serialises writers per key
          boolean[] replaced = {false};
          sessions.computeIfPresent(
              next.id(),
              (id, current) -> {
                if (current.version() != expectedVersion) {
                  return current;
                }
                replaced[0] = true;
                return next;
              });
          return replaced[0];
        });
  }

  @Override
  public Mono<Boolean> delete(String id, long expectedVersion) {
    return Mono.fromSupplier(
        () -> {
          StoredSession current = sessions.get(id);
          return current != null
              && current.version() == expectedVersion
              && sessions.remove(id, current);
        });
  }

  @Override
  public boolean shared() {
    return false;
  }

  /** Drops the sessions expired at {@code now}, telling {@code onExpired}; the dropped ones. */
  List<StoredSession> removeExpired(long now) {
    List<StoredSession> expired = new ArrayList<>();
    for (StoredSession s : sessions.values()) {
      // remove(key, value): a session changed since this read is not expired any more
      if (s.expiredAt(now) && sessions.remove(s.id(), s)) {
        expired.add(s);
        onExpired.accept(s);
      }
    }
    return expired;
  }

  int size() {
    return sessions.size();
  }
}
