package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.testsupport.RawClient;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The hostile-traffic finding, over raw sockets against the running service: connections that never
 * finish a request (silent, a half-sent request line, a header byte at a time) are closed by the
 * request-head deadline, idle kept-alive ones by the idle deadline, and a client gets only so many
 * connections and event streams; a slow reader of a long download is not cut. Each test plays its
 * clients from its own loopback addresses; 127.0.0.3 is the trusted proxy.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "cadenza.server.request-head-timeout=1s",
      "cadenza.server.idle-timeout=8s",
      "cadenza.server.max-connections-per-client=" + ConnectionLimitsTest.MAX_CONNECTIONS,
      "cadenza.server.max-event-streams-per-client=" + ConnectionLimitsTest.MAX_STREAMS,
      "cadenza.server.trusted-proxies=" + ConnectionLimitsTest.PROXY + "/32"
    })
class ConnectionLimitsTest {

  static final int MAX_CONNECTIONS = 6;
  static final int MAX_STREAMS = 2;
  static final String PROXY = "127.0.0.3";

  /** Far more than the socket buffers of both ends hold: the response is written for long. */
  static final int BIG_SIZE = 24 * 1024 * 1024;

  static final Path LIBRARY;

  static {
    try {
      LIBRARY = Files.createTempDirectory("cadenza-connection-limits-");
      TestAudio.wav(LIBRARY.resolve("big.wav"), BIG_SIZE, 7);
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) {
    registry.add("cadenza.library.path", LIBRARY::toString);
    registry.add("cadenza.library.rescan-interval", () -> "0");
  }

  @AfterAll
  static void deleteLibrary() throws IOException {
    FileSystemUtils.deleteRecursively(LIBRARY);
  }

  @Value("${local.server.port}")
  int port;

  @Autowired MeterRegistry meters;
  @Autowired JsonMapper json;

  String bigTrack;

  @BeforeEach
  void findTheBigTrack() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              try (RawClient c = RawClient.connect("127.0.0.1", port)) {
                c.get("/api/v1/tracks?q=big", "Connection: close\r\n");
                JsonNode items = json.readTree(c.response().body()).get("items");
                bigTrack = items.isEmpty() ? null : items.get(0).get("id").asString();
                return bigTrack != null;
              }
            });
  }

  @Test
  void aSilentConnectionIsClosedAfterTheRequestHeadDeadlineWithoutAnAnswer() throws Exception {
    double before = timeouts("request-head");
    try (RawClient silent = RawClient.connect("127.0.0.10", port)) {
      assertThat(silent.closedByService()).isTrue();
    }
    assertThat(timeouts("request-head")).isGreaterThan(before);
  }

  @Test
  void aHalfSentRequestLineIsAnswered408AndClosed() throws Exception {
    try (RawClient half = RawClient.connect("127.0.0.11", port)) {
      half.send("GET /api/v1/tracks?limit=1 HT");
      RawClient.Response r = half.response();
      assertThat(r.status()).isEqualTo(408);
      assertThat(r.header("content-type")).isEqualTo("application/problem+json");
      assertThat(r.header("connection")).isEqualTo("close");
      JsonNode problem = json.readTree(r.body());
      assertThat(problem.get("type").asString())
          .isEqualTo("https://cadenza.dev/problems/request-timeout");
      assertThat(problem.get("status").asInt()).isEqualTo(408);
      assertThat(problem.get("detail").asString()).contains("cadenza.server.request-head-timeout");
      assertThat(half.closedByService()).isTrue();
    }
  }

  @Test
  void headersSentAByteAtATimeAreCutAtTheDeadlineAlthoughBytesKeepComing() throws Exception {
    // a byte every 100 ms: a bound between two reads (Netty's idle handler) would never trip
    int planned = 600; // 60 s of header bytes
    AtomicInteger sent = new AtomicInteger();
    ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();
    double before = timeouts("request-head");
    try (RawClient slow = RawClient.connect("127.0.0.12", port)) {
      slow.send("GET /api/v1/tracks HTTP/1.1\r\nHost: localhost\r\nX-Slow: ");
      writer.scheduleAtFixedRate(
          () -> {
            try {
              if (sent.get() < planned) {
                slow.send("a");
                sent.incrementAndGet();
              }
            } catch (IOException closed) {
              throw new IllegalStateException(closed); // ends the schedule
            }
          },
          100,
          100,
          TimeUnit.MILLISECONDS);
      await().atMost(Duration.ofSeconds(30)).until(() -> timeouts("request-head") > before);
      // a 408, unless the reset for the bytes still arriving overtook it; then the end
      assertThat(slow.rest())
          .satisfiesAnyOf(
              rest -> assertThat(rest).isEmpty(),
              rest -> assertThat(rest).startsWith("HTTP/1.1 408 "));
    } finally {
      writer.shutdownNow();
    }
    assertThat(sent.get()).isPositive().isLessThan(planned);
  }

  @Test
  void aSlowReaderOfALongDownloadIsNotCutWhileItsResponseIsBeingWritten() throws Exception {
    byte[] expected = Files.readAllBytes(LIBRARY.resolve("big.wav"));
    try (RawClient download = RawClient.connect("127.0.0.13", port, 8 * 1024)) {
      download.get("/api/v1/tracks/" + bigTrack + "/stream", "");
      RawClient.Response head = download.head();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("content-length")).isEqualTo(Integer.toString(expected.length));
      byte[] first = download.read(64 * 1024);

      // Reading nothing more, it holds its connection past both deadlines, which the witnesses
      // (from the same client) show have passed; the service is still writing the response.
      try (RawClient silent = RawClient.connect("127.0.0.13", port)) {
        assertThat(silent.closedByService()).isTrue();
      }
      try (RawClient idle = RawClient.connect("127.0.0.13", port)) {
        idle.get("/api/v1/tracks?limit=1", "");
        assertThat(idle.response().status()).isEqualTo(200);
        assertThat(idle.closedByService()).isTrue();
      }

      byte[] rest = download.read(expected.length - first.length);
      byte[] all = new byte[first.length + rest.length];
      System.arraycopy(first, 0, all, 0, first.length);
      System.arraycopy(rest, 0, all, first.length, rest.length);
      assertThat(all).isEqualTo(expected);
    }
  }

  @Test
  void aKeptAliveConnectionOutlivesTheHeadDeadlineAndIsClosedAfterTheIdleDeadline()
      throws Exception {
    double before = timeouts("idle");
    try (RawClient kept = RawClient.connect("127.0.0.14", port)) {
      kept.get("/api/v1/tracks?limit=1", "");
      assertThat(kept.response().status()).isEqualTo(200);
      // the head deadline passes (a silent witness is cut) while the kept connection waits
      try (RawClient silent = RawClient.connect("127.0.0.14", port)) {
        assertThat(silent.closedByService()).isTrue();
      }
      kept.get("/api/v1/tracks?limit=1", "");
      assertThat(kept.response().status()).isEqualTo(200);

      assertThat(kept.closedByService()).isTrue();
    }
    assertThat(timeouts("idle")).isGreaterThan(before);
  }

  @Test
  void connectionsOverThePerClientCapAreRefusedWhileOtherClientsAndTheProxyAreServed()
      throws Exception {
    List<RawClient> held = new ArrayList<>();
    double refusedBefore = refused();
    try {
      for (int i = 0; i < MAX_CONNECTIONS; i++) {
        RawClient c = RawClient.connect("127.0.0.15", port);
        held.add(c);
        c.get("/api/v1/tracks?limit=1", "");
        assertThat(c.response().status()).isEqualTo(200);
      }
      try (RawClient over = RawClient.connect("127.0.0.15", port)) {
        over.get("/api/v1/tracks?limit=1", "");
        assertThat(over.closedByService()).isTrue();
      }
      assertThat(refused()).isGreaterThan(refusedBefore);
      assertThat(servedFrom("127.0.0.16")).isTrue();

      // every player's connection comes through the proxy: it has no cap
      List<RawClient> proxied = new ArrayList<>();
      try {
        for (int i = 0; i < MAX_CONNECTIONS + 2; i++) {
          RawClient c = RawClient.connect(PROXY, port);
          proxied.add(c);
          c.get("/api/v1/tracks?limit=1", "X-Forwarded-For: 198.51.100." + (i + 1) + "\r\n");
          assertThat(c.response().status()).isEqualTo(200);
        }
      } finally {
        for (RawClient c : proxied) {
          c.close();
        }
      }

      // a connection that closes makes room for another
      held.remove(0).close();
      await().atMost(Duration.ofSeconds(10)).until(() -> servedFrom("127.0.0.15"));
    } finally {
      for (RawClient c : held) {
        c.close();
      }
    }
  }

  @Test
  void eventStreamsOverThePerClientCapAre429WithRetryAfter() throws Exception {
    String events = Api.session(createSession()) + "/events";
    List<RawClient> streams = new ArrayList<>();
    try {
      for (int i = 0; i < MAX_STREAMS; i++) {
        streams.add(openStream("127.0.0.17", events, "", 200));
      }
      try (RawClient over = RawClient.connect("127.0.0.17", port)) {
        over.get(events, "Accept: text/event-stream\r\n");
        RawClient.Response r = over.response();
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.header("retry-after")).isEqualTo("10");
        JsonNode problem = json.readTree(r.body());
        assertThat(problem.get("type").asString())
            .isEqualTo("https://cadenza.dev/problems/too-many-event-streams");
        assertThat(problem.get("maxEventStreams").asInt()).isEqualTo(MAX_STREAMS);
      }
      streams.add(openStream("127.0.0.18", events, "", 200));

      // a stream that ends makes room for another
      streams.remove(0).close();
      await().atMost(Duration.ofSeconds(10)).until(() -> status("127.0.0.17", events, "") == 200);
    } finally {
      for (RawClient c : streams) {
        c.close();
      }
    }
  }

  @Test
  void behindTheTrustedProxyEachForwardedClientHasItsOwnEventStreamCap() throws Exception {
    String events = Api.session(createSession()) + "/events";
    List<RawClient> streams = new ArrayList<>();
    try {
      String alice = "X-Forwarded-For: 203.0.113.7, 198.51.100.20\r\n";
      for (int i = 0; i < MAX_STREAMS; i++) {
        streams.add(openStream(PROXY, events, alice, 200));
      }
      assertThat(status(PROXY, events, alice)).isEqualTo(429);
      // another player behind the same proxy
      streams.add(openStream(PROXY, events, "X-Forwarded-For: 198.51.100.21\r\n", 200));
      // a direct client cannot pass itself off as someone else
      for (int i = 0; i < MAX_STREAMS; i++) {
        streams.add(
            openStream("127.0.0.19", events, "X-Forwarded-For: 198.51.100.3" + i + "\r\n", 200));
      }
      assertThat(status("127.0.0.19", events, "X-Forwarded-For: 198.51.100.39\r\n")).isEqualTo(429);
    } finally {
      for (RawClient c : streams) {
        c.close();
      }
    }
  }

  // ---- helpers

  private RawClient openStream(String from, String events, String headers, int status)
      throws IOException {
    RawClient c = RawClient.connect(from, port);
    c.get(events, "Accept: text/event-stream\r\n" + headers);
    assertThat(c.head().status()).isEqualTo(status);
    return c;
  }

  private int status(String from, String target, String headers) throws IOException {
    try (RawClient c = RawClient.connect(from, port)) {
      c.get(target, "Accept: text/event-stream\r\n" + headers);
      return c.head().status();
    }
  }

  private boolean servedFrom(String from) throws IOException {
    try (RawClient c = RawClient.connect(from, port)) {
      c.get("/api/v1/tracks?limit=1", "Connection: close\r\n");
      return c.response().status() == 200;
    } catch (IOException refused) {
      return false;
    }
  }

  private String createSession() throws IOException {
    try (RawClient c = RawClient.connect("127.0.0.1", port)) {
      c.send(
          "POST "
              + Api.SESSIONS
              + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      RawClient.Response r = c.response();
      assertThat(r.status()).isEqualTo(201);
      return json.readTree(r.body()).get("id").asString();
    }
  }

  private double timeouts(String deadline) {
    return count(meters.find("cadenza.connections.timeouts").tag("deadline", deadline).counter());
  }

  private double refused() {
    return count(meters.find("cadenza.connections.refused").counter());
  }

  private static double count(Counter counter) {
    return counter == null ? 0 : counter.count();
  }
}
