package dev.cadenza.stream.clock;

import static dev.cadenza.stream.clock.ClockSyncTest.get;
import static dev.cadenza.stream.clock.ClockSyncTest.systemMicros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /api/v1/time} on a service without NTP servers (the system clock). */
class ClockTimeRouteTest {

  @TempDir static Path library;

  static TestApp app;

  private final JsonMapper json = JsonMapper.builder().build();

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.start(library);
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  @Test
  void echoesT1AndStampsReceiveAndTransmitFromTheMediaClock() throws Exception {
    long t1 = systemMicros();
    HttpResponse<String> r = get(app, Api.TIME + "?" + Api.ORIGINATE_PARAM + "=" + t1);
    long t4 = systemMicros();

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode body = json.readTree(r.body());
    long t2 = body.get("receiveMicros").asLong();
    long t3 = body.get("transmitMicros").asLong();
    assertThat(body.get("originateMicros").asLong()).isEqualTo(t1);
    // the media clock is the system clock here: the stamps fall within the round trip
    assertThat(t2).isBetween(t1, t4);
    assertThat(t3).isBetween(t2, t4);
    assertThat(body.get("synchronised").asBoolean()).isFalse();
    assertThat(body.get("stratum").asInt()).isEqualTo(ClockStatus.UNSYNCHRONISED);
    assertThat(body.get("maxErrorMicros").asLong()).isZero();
  }

  @Test
  void withoutT1TheOriginateIsNull() throws Exception {
    HttpResponse<String> r = get(app, Api.TIME);

    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = json.readTree(r.body());
    assertThat(body.get("originateMicros").isNull()).isTrue();
    assertThat(body.get("receiveMicros").asLong()).isPositive();
  }

  @Test
  void aBadT1IsAProblem() throws Exception {
    for (String bad : new String[] {"abc", "-5", "1.5", "99999999999999999999"}) {
      HttpResponse<String> r = get(app, Api.TIME + "?t1=" + bad);

      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonNode problem = json.readTree(r.body());
      assertThat(problem.get("parameter").asString()).isEqualTo("t1");
      assertThat(problem.get("value").asString()).isEqualTo(bad);
      assertThat(problem.get("instance").asString()).isEqualTo(Api.TIME);
    }
  }
}
