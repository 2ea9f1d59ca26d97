package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.SessionEvent;
import dev.cadenza.protocol.SessionView;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Reconnection and termination of the event stream, against a scripted server. */
class SessionEventStreamTest {

  static final Backoff QUICK = new Backoff(Duration.ofMillis(10), Duration.ofMillis(50));

  static String event(String type, long version) {
    SessionView session =
        new SessionView("s1", null, version, 0, 0, 0, List.of(), Playback.stopped(version));
    String json = Json.MAPPER.writeValueAsString(new SessionEvent(type, session));
    // the JSON split over two data lines, as a server may send it
    int cut = json.indexOf(',') + 1;
    return "event: "
        + type
        + "\r\nid: "
        + version
        + "\r\ndata: "
        + json.substring(0, cut)
        + "\r\ndata: "
        + json.substring(cut)
        + "\r\n\r\n";
  }

  static void stream(HttpExchange x, String... parts) throws IOException {
    x.getResponseHeaders().set("Content-Type", "text/event-stream");
    x.sendResponseHeaders(200, 0);
    try (OutputStream out = x.getResponseBody()) {
      for (String part : parts) {
        out.write(part.getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  static class Recorder implements SessionListener {
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger disconnects = new AtomicInteger();
    final AtomicReference<Object> closed = new AtomicReference<>();

    @Override
    public void onEvent(SessionEvent event) {
      events.add(event.type() + "@" + event.session().version());
    }

    @Override
    public void onDisconnected(Throwable cause, Duration wait) {
      disconnects.incrementAndGet();
    }

    @Override
    public void onClosed(CadenzaException failure) {
      closed.set(failure == null ? "clean" : failure);
    }
  }

  @Test
  void aDroppedStreamReconnectsWithTheLastEventIdAndStopsOnEnded() throws Exception {
    List<String> lastIds = new CopyOnWriteArrayList<>();
    AtomicInteger connections = new AtomicInteger();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions/s1/events",
                x -> {
                  lastIds.add(String.valueOf(x.getRequestHeaders().getFirst("Last-Event-ID")));
                  if (connections.incrementAndGet() == 1) {
                    stream(x, ": hello\n\n", event("snapshot", 3), "data: cut in the mid");
                  } else {
                    stream(x, event("snapshot", 4), event("play", 5), event("ended", 6));
                  }
                })) {
      Recorder recorder = new Recorder();
      CadenzaClient client = CadenzaClient.builder(service.uri()).backoff(QUICK).build();
      try (SessionEventStream events = client.followEvents("s1", recorder)) {
        assertThat(events.await(Duration.ofSeconds(20))).isTrue();
        assertThat(events.lastEventId()).isEqualTo("6");
      }
      assertThat(recorder.events).containsExactly("snapshot@3", "snapshot@4", "play@5", "ended@6");
      assertThat(lastIds).containsExactly("null", "3");
      assertThat(recorder.disconnects).hasValue(1);
      assertThat(recorder.closed).hasValue("clean");
    }
  }

  @Test
  void anUnknownSessionEndsTheSubscriptionWithTheProblem() throws Exception {
    AtomicInteger connections = new AtomicInteger();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions/gone/events",
                x -> {
                  connections.incrementAndGet();
                  FakeService.respond(
                      x,
                      404,
                      "application/problem+json",
                      "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no session gone\"}");
                })) {
      Recorder recorder = new Recorder();
      SessionEventStream events =
          CadenzaClient.builder(service.uri())
              .backoff(QUICK)
              .build()
              .followEvents("gone", recorder);
      assertThat(events.await(Duration.ofSeconds(20))).isTrue();
      assertThat(recorder.closed.get())
          .isInstanceOfSatisfying(
              CadenzaException.class, e -> assertThat(e.status()).isEqualTo(404));
      assertThat(connections).hasValue(1);
    }
  }

  @Test
  void closeStopsAnOpenStream() throws Exception {
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions/s1/events",
                x -> {
                  x.getResponseHeaders().set("Content-Type", "text/event-stream");
                  x.sendResponseHeaders(200, 0);
                  OutputStream out = x.getResponseBody();
                  out.write(event("snapshot", 1).getBytes(StandardCharsets.UTF_8));
                  out.flush(); // and never more: the connection stays open
                })) {
      Recorder recorder = new Recorder();
      SessionEventStream events = CadenzaClient.create(service.uri()).followEvents("s1", recorder);
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events.size() == 1);
      events.close();
      assertThat(events.await(Duration.ofSeconds(20))).isTrue();
      assertThat(recorder.closed).hasValue("clean");
      assertThat(recorder.disconnects).hasValue(0);
    }
  }

  @Test
  void anAnswerThatIsNotAnEventStreamEndsTheSubscription() throws Exception {
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions/s1/events",
                x -> FakeService.respond(x, 200, "text/html", "<html>login</html>"))) {
      Recorder recorder = new Recorder();
      SessionEventStream events =
          CadenzaClient.builder(service.uri()).backoff(QUICK).build().followEvents("s1", recorder);
      assertThat(events.await(Duration.ofSeconds(20))).isTrue();
      assertThat(recorder.closed.get())
          .isInstanceOfSatisfying(
              CadenzaException.class, e -> assertThat(e.title()).isEqualTo("not an event stream"));
      assertThat(recorder.disconnects).hasValue(0);
    }
  }
}
