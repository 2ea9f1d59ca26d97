package dev.cadenza.stream.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.ClockSample;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.ChronyServer;
import dev.cadenza.testsupport.Ports;
import dev.cadenza.testsupport.ShiftedNtpResponder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The whole service keeping its media clock on real NTP servers on loopback. */
class ClockSyncTest {

  static final long MS = 1_000_000;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir Path library;

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = closing.size() - 1; i >= 0; i--) {
      closing.get(i).close();
    }
  }

  /** The service following {@code servers}, polling every second. */
  static TestApp service(Path library, List<AutoCloseable> closing, String servers, String... more)
      throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--cadenza.clock.ntp.servers=" + servers);
    args.add("--cadenza.clock.ntp.poll-interval=1s");
    args.add("--cadenza.clock.ntp.timeout=200ms");
    args.add("--cadenza.clock.ntp.sample-spacing=10ms");
    args.addAll(List.of(more));
    TestApp app = TestApp.start(library, args.toArray(String[]::new));
    closing.add(app.app());
    return app;
  }

  private TestApp service(String servers, String... more) throws Exception {
    return service(library, closing, servers, more);
  }

  private <T extends AutoCloseable> T closeLater(T c) {
    closing.add(c);
    return c;
  }

  static ClockStatus status(TestApp app) {
    return app.app().getBean(ClockSync.class).status();
  }

  static Health health(TestApp app) {
    return app.app().getBean(MediaClockHealthIndicator.class).health();
  }

  static ClockStatus awaitSynchronised(TestApp app) {
    await().atMost(Duration.ofSeconds(20)).until(() -> status(app).synchronised());
    return status(app);
  }

  static HttpResponse<String> get(TestApp app, String path) throws Exception {
    return get(app.port(), path);
  }

  /** GETs {@code path} of the actuator, on the management port. */
  static HttpResponse<String> management(TestApp app, String path) throws Exception {
    return get(app.managementPort(), path);
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long systemMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
  }

  @Test
  void followsChronyOnTheSameClockWithASmallOffsetAtStratum9() throws Exception {
    ChronyServer chrony = closeLater(ChronyServer.start());
    TestApp app = service(chrony.address());

    ClockStatus s = awaitSynchronised(app);

    assertThat(s.measuredOffset()).isBetween(-50 * MS, 50 * MS);
    assertThat(s.stratum()).isEqualTo(ChronyServer.STRATUM + 1);
    assertThat(s.servers())
        .singleElement()
        .satisfies(v -> assertThat(v.state()).isEqualTo("selected"));
    assertThat(health(app).getStatus()).isEqualTo(Status.UP);
    assertThat(health(app).getDetails())
        .containsEntry("synchronised", true)
        .containsKey("sntpPort");
    // what the operator reads for status.clock: no server named
    JsonNode clock = info(app).get("clock");
    assertThat(clock.get("source").asText()).isEqualTo("ntp");
    assertThat(clock.get("synchronised").asBoolean()).isTrue();
    assertThat(clock.get("offsetMs").asDouble()).isBetween(-50.0, 50.0);
    assertThat(clock.get("stratum").asInt()).isEqualTo(ChronyServer.STRATUM + 1);
    assertThat(clock.toString()).doesNotContain(chrony.address());
  }

  static JsonNode info(TestApp app) throws Exception {
    HttpResponse<String> r = management(app, "/actuator/info");
    assertThat(r.statusCode()).isEqualTo(200);
    return JsonMapper.builder().build().readTree(r.body());
  }

  @Test
  void followsAServer250msAheadAndTheTimeApiShowsIt() throws Exception {
    ShiftedNtpResponder ahead = closeLater(ShiftedNtpResponder.start(Duration.ofMillis(250)));
    TestApp app = service(ahead.address(), "--cadenza.clock.ntp.required=true");

    ClockStatus s = awaitSynchronised(app);
    get(
        app,
        Api.TIME); // the connection and the client's first-use costs would skew the outbound leg
    long t1 = systemMicros();
    HttpResponse<String> r = get(app, Api.TIME + "?t1=" + t1);
    long t4 = systemMicros();

    assertThat(s.measuredOffset() / 1e6).isCloseTo(250, within(20.0));
    // the first sync stepped: the media clock is right at once
    assertThat(s.offset() / 1e6).isCloseTo(0, within(20.0));
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JsonMapper.builder().build().readTree(r.body());
    assertThat(body.get("originateMicros").asLong()).isEqualTo(t1);
    assertThat(body.get("synchronised").asBoolean()).isTrue();
    assertThat(body.get("stratum").asInt()).isEqualTo(2);
    ClockSample sample =
        ClockSample.of(
            t1, body.get("receiveMicros").asLong(), body.get("transmitMicros").asLong(), t4);
    // the true offset lies within offset ± delay/2 (RFC 5905); 20 ms beyond that for our own error
    assertThat(sample.offset() / 1e3).isCloseTo(250, within(20.0 + sample.errorBound() / 1e3));
    assertThat(app.app().getBean(MediaClock.class).nowMicros() - systemMicros())
        .isBetween(230_000L, 270_000L);
    assertThat(management(app, "/actuator/health/readiness").statusCode()).isEqualTo(200);
  }

  @Test
  void aServerBehindIsFollowedBySlewingAndRequiredReadinessWaitsForIt() throws Exception {
    ShiftedNtpResponder behind = closeLater(ShiftedNtpResponder.start(Duration.ofMillis(-250)));
    TestApp app = service(behind.address(), "--cadenza.clock.ntp.required=true");
    MediaClock clock = app.app().getBean(MediaClock.class);
    long before = clock.nowMicros();

    ClockStatus s = awaitSynchronised(app);
    long after = clock.nowMicros();

    assertThat(s.measuredOffset() / 1e6).isCloseTo(-250, within(20.0));
    // no step back: the media clock is still (almost all of) 250 ms ahead of the server
    assertThat(after).isGreaterThanOrEqualTo(before);
    assertThat(s.offset() / 1e6).isLessThan(-200.0);
    assertThat(health(app).getStatus()).isEqualTo(Status.DOWN);
    assertThat(management(app, "/actuator/health/readiness").statusCode()).isEqualTo(503);
  }

  @Test
  void anUnreachableRequiredServerKeepsReadinessDown() throws Exception {
    TestApp app = service("127.0.0.1:" + Ports.freeUdp(), "--cadenza.clock.ntp.required=true");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(app).servers().get(0).state().equals("unreachable"));

    assertThat(status(app).synchronised()).isFalse();
    assertThat(status(app).reachable()).isZero();
    assertThat(status(app).servers().get(0).outcomes()).containsKey("unreachable");
    assertThat(health(app).getStatus()).isEqualTo(Status.DOWN);
    HttpResponse<String> readiness = management(app, "/actuator/health/readiness");
    assertThat(readiness.statusCode()).isEqualTo(503);
    assertThat(management(app, "/actuator/health/liveness").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnreachableServerThatIsNotRequiredOnlyReports() throws Exception {
    TestApp app = service("127.0.0.1:" + Ports.freeUdp());

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(app).servers().get(0).state().equals("unreachable"));

    assertThat(health(app).getStatus()).isEqualTo(Status.UP);
    assertThat(health(app).getDetails()).containsEntry("synchronised", false);
    assertThat(management(app, "/actuator/health/readiness").statusCode()).isEqualTo(200);
  }

  @Test
  void garbageRepliesAreRejectedAndCounted() throws Exception {
    ShiftedNtpResponder garbage =
        closeLater(ShiftedNtpResponder.start(Duration.ZERO, ShiftedNtpResponder.Mode.GARBAGE));
    TestApp app = service(garbage.address());

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> status(app).servers().get(0).state().equals("rejected"));
    String metrics = management(app, "/actuator/prometheus").body();

    assertThat(status(app).synchronised()).isFalse();
    assertThat(status(app).reachable()).isEqualTo(1);
    assertThat(metrics)
        .containsPattern(
            "cadenza_clock_samples_total\\{outcome=\"(bad-originate|bad-mode|bad-version|malformed|[a-z-]+)\"} [1-9]")
        .containsPattern("cadenza_clock_samples_total\\{outcome=\"accepted\"} 0\\.0")
        .containsPattern("cadenza_clock_polls_total\\{result=\"unsynchronised\"} [1-9]")
        .contains("cadenza_clock_synchronised 0.0");
  }

  @Test
  void aFalsetickerIsOutvoted() throws Exception {
    ShiftedNtpResponder a = closeLater(ShiftedNtpResponder.start(Duration.ZERO));
    ShiftedNtpResponder b = closeLater(ShiftedNtpResponder.start(Duration.ofMillis(1)));
    ShiftedNtpResponder wrong = closeLater(ShiftedNtpResponder.start(Duration.ofMillis(250)));
    TestApp app = service(a.address() + "," + b.address() + "," + wrong.address());

    ClockStatus s = awaitSynchronised(app);

    assertThat(s.measuredOffset() / 1e6).isCloseTo(0.5, within(20.0));
    assertThat(s.servers())
        .extracting(ClockStatus.ServerStatus::state)
        .containsExactly("selected", "selected", "falseticker");
    assertThat(s.reachable()).isEqualTo(3);
  }

  @Test
  void withoutServersTheMediaClockIsTheSystemClock() throws Exception {
    TestApp app = service("");

    long before = systemMicros();
    long media = app.app().getBean(MediaClock.class).nowMicros();
    long after = systemMicros();
    Map<String, Object> details = health(app).getDetails();

    assertThat(media).isBetween(before, after);
    assertThat(details)
        .containsEntry("source", "system clock")
        .containsEntry("synchronised", false);
    assertThat(health(app).getStatus()).isEqualTo(Status.UP);
    assertThat(info(app).get("clock").toString())
        .isEqualTo("{\"source\":\"system clock\",\"synchronised\":false}");
  }
}
