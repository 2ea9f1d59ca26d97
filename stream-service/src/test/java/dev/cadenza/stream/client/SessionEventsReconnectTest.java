package dev.cadenza.stream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.client.Backoff;
import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.CadenzaException;
import dev.cadenza.client.SessionEventStream;
import dev.cadenza.client.SessionListener;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.PlaybackState;
import dev.cadenza.protocol.SessionEvent;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower whose event stream is cut while the session changes: it reconnects with {@code
 * Last-Event-ID} and receives the state it missed; the stream ends cleanly with the session.
 */
class SessionEventsReconnectTest {

  static final Duration EVENTS = Duration.ofSeconds(20);

  @TempDir static Path library;
  static TestApp app;
  static CadenzaClient direct;
  static String trackId;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("long.wav"), 44_100 * 4 * 30, 5); // 30 s
    app = TestApp.start(library);
    direct = CadenzaClient.create(URI.create("http://127.0.0.1:" + app.port()));
    trackId = direct.tracks("long", 10, null).items().get(0).id();
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  static final class Recorder implements SessionListener {
    final List<SessionEvent> events = new CopyOnWriteArrayList<>();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicReference<String> closed = new AtomicReference<>();

    @Override
    public void onEvent(SessionEvent event) {
      events.add(event);
    }

    @Override
    public void onDisconnected(Throwable cause, Duration wait) {
      disconnects.incrementAndGet();
    }

    @Override
    public void onClosed(CadenzaException failure) {
      closed.set(failure == null ? "clean" : failure.getMessage());
    }

    SessionEvent last() {
      return events.get(events.size() - 1);
    }
  }

  @Test
  void aCutStreamReconnectsWithTheLastEventIdAndCatchesUpWithWhatItMissed() throws Exception {
    CountDownLatch reconnect = new CountDownLatch(1);
    try (DroppingProxy proxy = new DroppingProxy(app.port(), i -> DroppingProxy.NEVER)) {
      // the reconnection waits in the proxy until the change it must not miss has happened
      proxy.beforeConnect(
          i -> {
            if (i > 0) {
              try {
                reconnect.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            }
          });
      SessionView session = direct.createSession("flaky");
      CadenzaClient flaky =
          CadenzaClient.builder(URI.create("http://127.0.0.1:" + proxy.port()))
              .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(100)))
              .build();
      Recorder recorder = new Recorder();
      try (SessionEventStream events = flaky.followEvents(session.id(), recorder)) {
        await().atMost(EVENTS).until(() -> !recorder.events.isEmpty());
        SessionEvent snapshot = recorder.events.get(0);
        assertThat(snapshot.type()).isEqualTo("snapshot");
        assertThat(snapshot.session().playback().state()).isEqualTo(PlaybackState.STOPPED);

        proxy.dropAll();
        await().atMost(EVENTS).until(() -> recorder.disconnects.get() >= 1);
        SessionView playing = direct.play(session.id(), new PlayCommand(trackId, 0L, null));
        reconnect.countDown();

        await()
            .atMost(EVENTS)
            .until(() -> recorder.last().session().version() >= playing.version());
        assertThat(recorder.last().session().playback().state()).isEqualTo(PlaybackState.PLAYING);
        assertThat(recorder.last().session().playback().trackId()).isEqualTo(trackId);
        assertThat(events.lastEventId())
            .isEqualTo(String.valueOf(recorder.last().session().version()));
        assertThat(proxy.requestHeads()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(proxy.requestHeads().get(0)).doesNotContainIgnoringCase("last-event-id");
        assertThat(proxy.requestHeads().get(1))
            .containsIgnoringCase("last-event-id: " + snapshot.session().version());

        direct.deleteSession(session.id());
        assertThat(events.await(EVENTS)).isTrue();
        assertThat(recorder.last().type()).isEqualTo("ended");
        assertThat(recorder.closed).hasValue("clean");
      }
    }
  }

  @Test
  void followingAnUnknownSessionFailsWithTheServicesProblem() throws Exception {
    Recorder recorder = new Recorder();
    // a well-formed id (22 base64url characters) that no session has
    SessionEventStream events = direct.followEvents("AAAAAAAAAAAAAAAAAAAAAA", recorder);
    assertThat(events.await(EVENTS)).isTrue();
    assertThat(recorder.closed.get()).startsWith("404");
    assertThat(recorder.events).isEmpty();
  }
}
