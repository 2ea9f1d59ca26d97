package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.SessionView;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The in-memory store: compare-and-set by version, expiry, and its bound. */
class SessionMemoryStoreTest {

  final AtomicLong now = new AtomicLong(1_000_000_000);
  final List<StoredSession> expired = new CopyOnWriteArrayList<>();
  final InMemorySessionStore store = new InMemorySessionStore(2, now::get, expired::add);

  static StoredSession session(String id, long version, long expiresAt) {
    return new StoredSession(
        new SessionView(id, null, version, 0, 0, expiresAt, List.of(), Playback.stopped(0)),
        "created",
        "owner",
        Map.of());
  }

  @Test
  void aReplaceOrDeleteAppliesOnlyToTheVersionItWasBasedOn() {
    String id = SessionIds.random();
    assertThat(store.create(session(id, 1, now.get() + 10)).block()).isTrue();
    assertThat(store.create(session(id, 1, now.get() + 10)).block()).isFalse();

    assertThat(store.replace(session(id, 2, now.get() + 10), 1).block()).isTrue();
    assertThat(store.replace(session(id, 2, now.get() + 10), 1).block()).isFalse();
    assertThat(store.get(id, now.get()).block().version()).isEqualTo(2);

    assertThat(store.delete(id, 1).block()).isFalse();
    assertThat(store.delete(id, 2).block()).isTrue();
    assertThat(store.get(id, now.get()).block()).isNull();
    assertThat(store.replace(session(id, 3, now.get() + 10), 2).block()).isFalse();
  }

  @Test
  void anExpiredSessionIsGoneAndDroppedToMakeRoom() {
    String old = SessionIds.random();
    String live = SessionIds.random();
    store.create(session(old, 1, now.get() + 5)).block();
    store.create(session(live, 1, now.get() + 100)).block();
    assertThatThrownBy(() -> store.create(session(SessionIds.random(), 1, now.get() + 100)).block())
        .isInstanceOf(SessionStore.Full.class);

    now.addAndGet(5);
    assertThat(store.get(old, now.get()).block()).isNull();
    assertThat(store.get(live, now.get()).block()).isNotNull();
    assertThat(store.create(session(SessionIds.random(), 1, now.get() + 100)).block()).isTrue();
    assertThat(store.size()).isEqualTo(2);
    // dropped to make room, and told, so its subscribers get ended
    assertThat(expired).extracting(StoredSession::id).containsExactly(old);
  }

  @Test
  void removeExpiredReturnsWhatItDropped() {
    String old = SessionIds.random();
    store.create(session(old, 1, now.get() + 5)).block();
    store.create(session(SessionIds.random(), 1, now.get() + 100)).block();
    assertThat(store.removeExpired(now.get())).isEmpty();
    now.addAndGet(10);
    assertThat(store.removeExpired(now.get())).extracting(StoredSession::id).containsExactly(old);
    assertThat(expired).extracting(StoredSession::id).containsExactly(old);
    assertThat(store.size()).isEqualTo(1);
  }
}
