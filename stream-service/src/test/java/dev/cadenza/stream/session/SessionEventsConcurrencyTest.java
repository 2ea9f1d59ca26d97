package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.SessionView;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;

/**
 * A player leaving a session's event stream while the session ends on another thread. Ending
 * completes every stream under the topic's lock, and a completed or cancelled stream leaves its
 * topic; when leaving took the map's lock first and the topic's second, the two threads deadlocked
 * (CI hung in GroupPlaybackTest: an SSE client disconnecting while the session was deleted).
 */
class SessionEventsConcurrencyTest {

  static final String ID = "AAAAAAAAAAAAAAAAAAAAAA";

  static StoredSession version(long v) {
    return new StoredSession(
        new SessionView(ID, null, v, 0, 0, Long.MAX_VALUE, List.of(), Playback.stopped(0)),
        "play",
        "owner",
        Map.of());
  }

  @Test
  void aStreamLeavingWhileTheSessionEndsDoesNotDeadlock() throws Exception {
    SessionEvents events = new SessionEvents();
    CountDownLatch completing = new CountDownLatch(1);
    CountDownLatch cancelling = new CountDownLatch(1);
    // the first stream's completion (run under the topic's lock) holds on until the second
    // stream's cancellation has begun, and a little longer, so that the two overlap
    events
        .subscribe(version(1), null)
        .subscribe(
            e -> {},
            e -> {},
            () -> {
              completing.countDown();
              try {
                cancelling.await(10, TimeUnit.SECONDS);
                new CountDownLatch(1).await(200, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    Disposable second = events.subscribe(version(1), null).subscribe();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<?> ending = pool.submit(() -> events.ended(ID, version(2).view()));
      assertThat(completing.await(10, TimeUnit.SECONDS)).isTrue();
      Future<?> leaving =
          pool.submit(
              () -> {
                cancelling.countDown();
                second.dispose();
              });
      // a bound on a hang, not a speed threshold: both finish in about 200 ms
      assertTimeoutPreemptively(
          Duration.ofSeconds(30),
          () -> {
            ending.get();
            leaving.get();
          });
    } finally {
      pool.shutdownNow();
    }
    assertThat(events.subscribers()).isZero();
    assertThat(events.watched()).isEmpty();
  }
}
