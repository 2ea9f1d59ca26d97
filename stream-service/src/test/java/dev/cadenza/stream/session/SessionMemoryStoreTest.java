package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The in-memory store: the {@link SessionStoreContract}, expiry, and its bound. */
class SessionMemoryStoreTest extends SessionStoreContract {

  final List<StoredSession> expired = new CopyOnWriteArrayList<>();

  @Override
  InMemorySessionStore store() {
    return store(10_000);
  }

  InMemorySessionStore store(int max) {
    return new InMemorySessionStore(max, now::get, expired::add);
  }

  @Test
  void anExpiredSessionIsGoneAndDroppedToMakeRoom() {
    InMemorySessionStore store = store(2);
    StoredSession old = session(5);
    StoredSession live = session(100);
    create(store, old);
    create(store, live);
    assertThatThrownBy(() -> create(store, session(100))).isInstanceOf(SessionStore.Full.class);

    now.addAndGet(5_000_000);
    assertThat(store.get(old.id(), now.get()).block()).isNull();
    assertThat(store.get(live.id(), now.get()).block()).isNotNull();
    assertThat(create(store, session(100))).isTrue();
    assertThat(store.size()).isEqualTo(2);
    // dropped to make room, and told, so its subscribers get ended
    assertThat(expired).extracting(StoredSession::id).containsExactly(old.id());
  }

  @Test
  void removeExpiredReturnsWhatItDropped() {
    InMemorySessionStore store = store(2);
    StoredSession old = session(5);
    create(store, old);
    create(store, session(100));
    assertThat(store.removeExpired(now.get())).isEmpty();
    now.addAndGet(10_000_000);
    assertThat(store.removeExpired(now.get()))
        .extracting(StoredSession::id)
        .containsExactly(old.id());
    assertThat(expired).extracting(StoredSession::id).containsExactly(old.id());
    assertThat(store.size()).isEqualTo(1);
  }
}
