package dev.cadenza.stream.session;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.springframework.boot.health.contributor.Health;
import reactor.core.publisher.Mono;

/**
 * Sessions in this process, for the embedded default (no DynamoDB): they live as long as the pod
 * does. Bounded by {@code cadenza.sessions.max-sessions}; expired sessions count until {@link
 * #removeExpired} drops them, and a full store drops them before refusing a new one. The ids of
 * each owner's sessions are kept beside them, so a create counts the owner's live ones without a
 * scan.
 */
final class InMemorySessionStore implements SessionStore {

  private final ConcurrentHashMap<String, StoredSession> sessions = new ConcurrentHashMap<>();

  /** Ids of the sessions of each owner; a set is only touched inside its entry's compute. */
  private final ConcurrentHashMap<String, Set<String>> byOwner = new ConcurrentHashMap<>();

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
  public Mono<Boolean> create(StoredSession session, int maxPerOwner) {
    return Mono.fromSupplier(
        () -> {
          long now = nowMicros.getAsLong();
          if (sessions.size() >= maxSessions) {
            removeExpired(now);
            // a bound, not an exact count: racing creates may pass it by a few
            if (sessions.size() >= maxSessions) {
              throw new Full(maxSessions);
            }
          }
          boolean[] created = {false};
          // per owner, atomically: count its live sessions, then add this one
          byOwner.compute(
              session.ownerId(),
              (owner, ids) -> {
                Set<String> live = new HashSet<>();
                long earliest = Long.MAX_VALUE;
                for (String id : ids == null ? Set.<String>of() : ids) {
                  StoredSession s = sessions.get(id);
                  if (s != null && !s.expiredAt(now)) {
                    live.add(id);
                    earliest = Math.min(earliest, s.view().expiresAtMicros());
                  }
                }
                if (live.size() >= maxPerOwner) {
                  throw new OverQuota(maxPerOwner, OverQuota.secondsUntil(earliest, now));
                }
                created[0] = sessions.putIfAbsent(session.id(), session) == null;
                if (created[0]) {
                  live.add(session.id());
                }
                return live.isEmpty() ? null : live;
              });
          return created[0];
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
  public Mono<Boolean> delete(StoredSession expected) {
    return Mono.fromSupplier(
        () -> {
          StoredSession current = sessions.get(expected.id());
          boolean deleted =
              current != null
                  && current.version() == expected.version()
                  && sessions.remove(current.id(), current);
          if (deleted) {
            forget(current);
          }
          return deleted;
        });
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public void health(Health.Builder health) {
    health
        .withDetail("store", "memory")
        .withDetail("sessions", sessions.size())
        .withDetail("maxSessions", maxSessions);
  }

  /** Drops the sessions expired at {@code now}, telling {@code onExpired}; the dropped ones. */
  List<StoredSession> removeExpired(long now) {
    List<StoredSession> expired = new ArrayList<>();
    for (StoredSession s : sessions.values()) {
      // remove(key, value): a session changed since this read is not expired any more
      if (s.expiredAt(now) && sessions.remove(s.id(), s)) {
        forget(s);
        expired.add(s);
        onExpired.accept(s);
      }
    }
    return expired;
  }

  /** Takes a removed session off its owner's list. */
  private void forget(StoredSession removed) {
    if (removed.ownerId() != null) {
      byOwner.computeIfPresent(
          removed.ownerId(),
          (owner, ids) -> {
            ids.remove(removed.id());
            return ids.isEmpty() ? null : ids;
          });
    }
  }

  int size() {
    return sessions.size();
  }
}
