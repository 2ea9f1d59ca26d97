package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.SessionView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} does (the in-memory one and the DynamoDB one): compare-and-set by
 * version, and each owner's quota of live sessions, freed by an end or an expiry.
 */
abstract class SessionStoreContract {

  static final Duration WAIT = Duration.ofSeconds(10);
  static final int QUOTA = 3;

  /** The media clock of the test, in whole seconds (DynamoDB's expiry has seconds). */
  final AtomicLong now = new AtomicLong(1_800_000_000_000_000L);

  /** An owner of its own per test: the DynamoDB table outlives a test. */
  final String owner = "user-" + SessionIds.random();

  /** The store under test, new for each test; its create counts at {@link #now}. */
  abstract SessionStore store();

  StoredSession session(String id, long version, long expiresAt, String ownerId) {
    return new StoredSession(
        new SessionView(
            id, null, version, now.get(), now.get(), expiresAt, List.of(), Playback.stopped(0)),
        "created",
        ownerId,
        Map.of());
  }

  StoredSession session(long lifeSeconds) {
    return session(SessionIds.random(), 1, now.get() + lifeSeconds * 1_000_000, owner);
  }

  Boolean create(SessionStore store, StoredSession s) {
    return store.create(s, QUOTA).block(WAIT);
  }

  @Test
  void aReplaceOrDeleteAppliesOnlyToTheVersionItWasBasedOn() {
    SessionStore store = store();
    String id = SessionIds.random();
    long later = now.get() + 10_000_000;
    assertThat(create(store, session(id, 1, later, owner))).isTrue();
    assertThat(create(store, session(id, 1, later, owner))).isFalse();

    assertThat(store.replace(session(id, 2, later, owner), 1).block(WAIT)).isTrue();
    assertThat(store.replace(session(id, 2, later, owner), 1).block(WAIT)).isFalse();
    assertThat(store.get(id, now.get()).block(WAIT).version()).isEqualTo(2);

    assertThat(store.delete(session(id, 1, later, owner)).block(WAIT)).isFalse();
    assertThat(store.delete(session(id, 2, later, owner)).block(WAIT)).isTrue();
    assertThat(store.get(id, now.get()).block(WAIT)).isNull();
    assertThat(store.replace(session(id, 3, later, owner), 2).block(WAIT)).isFalse();
  }

  @Test
  void anOwnerHasAtMostItsQuotaOfLiveSessionsAndOtherOwnersAreNotHeldUp() {
    SessionStore store = store();
    for (int i = 0; i < QUOTA; i++) {
      assertThat(create(store, session(60 + i))).isTrue();
    }

    assertThatThrownBy(() -> create(store, session(60)))
        .isInstanceOfSatisfying(
            SessionStore.OverQuota.class,
            e -> {
              assertThat(e.max).isEqualTo(QUOTA);
              // until the first of them expires, if nobody uses it
              assertThat(e.retryAfterSeconds).isEqualTo(60);
            });
    String other = "user-" + SessionIds.random();
    assertThat(create(store, session(SessionIds.random(), 1, now.get() + 60_000_000, other)))
        .isTrue();
  }

  @Test
  void endingASessionFreesItsPlace() {
    SessionStore store = store();
    List<StoredSession> mine = new ArrayList<>();
    for (int i = 0; i < QUOTA; i++) {
      mine.add(session(60));
      assertThat(create(store, mine.get(i))).isTrue();
    }
    assertThatThrownBy(() -> create(store, session(60))).isInstanceOf(SessionStore.OverQuota.class);

    assertThat(store.delete(mine.get(1)).block(WAIT)).isTrue();

    assertThat(create(store, session(60))).isTrue();
    assertThatThrownBy(() -> create(store, session(60))).isInstanceOf(SessionStore.OverQuota.class);
  }

  @Test
  void anExpiredSessionFreesItsPlace() {
    SessionStore store = store();
    assertThat(create(store, session(5))).isTrue();
    for (int i = 1; i < QUOTA; i++) {
      assertThat(create(store, session(600))).isTrue();
    }
    assertThatThrownBy(() -> create(store, session(600)))
        .isInstanceOfSatisfying(
            SessionStore.OverQuota.class, e -> assertThat(e.retryAfterSeconds).isEqualTo(5));

    now.addAndGet(5_000_000);

    assertThat(create(store, session(600))).isTrue();
    assertThatThrownBy(() -> create(store, session(600)))
        .isInstanceOf(SessionStore.OverQuota.class);
  }
}
