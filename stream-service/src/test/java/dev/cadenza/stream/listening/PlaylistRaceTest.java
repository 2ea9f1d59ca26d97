package dev.cadenza.stream.listening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.store.InMemoryItemStore;
import dev.cadenza.stream.store.ItemStore;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Concurrent edits of one playlist lose nothing: from many threads of one service, and from two
 * services (two pods) that share only the store. Each writer adds its own tracks, so every one of
 * them must be in the playlist at the end, and a mover's reordering must not drop any.
 */
class PlaylistRaceTest {

  static final Listener ALICE = ListenerFromHeader.listener("alice");
  static final int WRITERS = 4;
  static final int EDITS = 25;

  final Catalog catalog = MusicFixtures.catalog(WRITERS * 2 + 1, EDITS);
  final List<String> ids = MusicFixtures.trackIds(catalog);

  Listening pod(ItemStore store) {
    return new Listening(
        store, () -> catalog, Clock.systemUTC(), new ListeningSettings(Duration.ofDays(365)));
  }

  @Test
  void editsFromManyThreadsOfOneServiceLoseNothing() throws Exception {
    Listening one = pod(new InMemoryItemStore());
    race(List.of(one, one));
  }

  @Test
  void editsFromTwoServicesSharingOneStoreLoseNothing() throws Exception {
    ItemStore shared = new InMemoryItemStore();
    race(List.of(pod(shared), pod(shared)));
  }

  /**
   * {@link #WRITERS} threads on each pod append their own tracks; one more keeps moving entries.
   */
  private void race(List<Listening> pods) throws Exception {
    // a start of 600 entries (two chunks: edits rewrite some chunks and keep others) that each
    // move changes: a rotation of a sequence with period 25
    List<String> start = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      start.add(ids.get(i % EDITS));
    }
    Playlist p = pods.get(0).createPlaylist(ALICE, "Race", null, false, start).block();
    int threads = pods.size() * WRITERS + 1;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CyclicBarrier go = new CyclicBarrier(threads);
    List<CompletableFuture<Void>> done = new ArrayList<>();
    try {
      int writer = 0;
      for (Listening pod : pods) {
        for (int w = 0; w < WRITERS; w++) {
          List<String> mine = ids.subList((writer + 1) * EDITS, (writer + 2) * EDITS);
          writer++;
          done.add(
              CompletableFuture.runAsync(
                  () -> {
                    await(go);
                    for (String id : mine) {
                      pod.editPlaylist(ALICE.id(), p.id(), PlaylistEdit.append(List.of(id)))
                          .block();
                    }
                  },
                  pool));
        }
      }
      Listening mover = pods.get(pods.size() - 1);
      done.add(
          CompletableFuture.runAsync(
              () -> {
                await(go);
                for (int i = 0; i < EDITS; i++) {
                  mover.editPlaylist(ALICE.id(), p.id(), PlaylistEdit.move(599, 0)).block();
                }
              },
              pool));
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    for (Listening pod : pods) {
      Playlist end = pod.playlist(ALICE.id(), p.id()).block();
      int added = pods.size() * WRITERS * EDITS;
      assertThat(end.trackIds()).hasSize(600 + added);
      assertThat(end.trackIds()).containsAll(ids.subList(EDITS, EDITS + added));
      // every edit wrote one version: create, appends, moves
      assertThat(end.version()).isEqualTo(1 + added + EDITS);
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
