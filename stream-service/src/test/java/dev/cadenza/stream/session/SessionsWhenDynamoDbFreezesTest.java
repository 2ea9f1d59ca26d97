package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.session.SessionHttp.Answer;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with its sessions in DynamoDB (dynalite) when the DynamoDB process is stopped
 * (SIGSTOP): it takes connections and requests and answers none. Session commands answer a 503
 * problem within the configured timeout, then, with the breaker open, at once; the health says so;
 * after the thaw they work again.
 */
@ExtendWith(DynaliteExtension.class)
class SessionsWhenDynamoDbFreezesTest {

  static final Duration TIMEOUT = Duration.ofMillis(500);

  @TempDir static Path library;
  static Dynalite dynalite;
  static TestApp app;
  static SessionHttp http;
  static SessionHttp management;

  @BeforeAll
  static void start(Dynalite server) throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    dynalite = server;
    app =
        TestApp.startSharing(
            library,
            server,
            "frozen" + ThreadLocalRandom.current().nextInt(1_000_000),
            "--cadenza.dynamodb.timeout=" + TIMEOUT.toMillis() + "ms",
            "--cadenza.dynamodb.breaker-wait=2s",
            "--management.endpoint.health.show-details=always",
            "--management.endpoint.health.show-components=always");
    http = new SessionHttp(app.port());
    management = new SessionHttp(app.managementPort());
  }

  @AfterAll
  static void stop() {
    if (dynalite != null) {
      dynalite.thaw();
    }
    if (app != null) {
      app.app().close();
    }
  }

  static String breaker() {
    return management
        .get("/actuator/health/sessions")
        .json()
        .get("details")
        .get("breaker")
        .asString();
  }

  @Test
  void sessionCommandsAnswer503WithinTheTimeoutThenAtOnceAndWorkAgainAfterTheThaw() {
    String id = http.create("frozen").id();
    assertThat(breaker()).isEqualTo("CLOSED");

    dynalite.freeze();
    try {
      long start = System.nanoTime();
      Answer first = http.post(Api.members(id), "{\"name\":\"late\"}");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      first.problem(503, "cannot be reached");
      assertThat(first.json().get("type").asString()).endsWith("/sessions-unavailable");
      assertThat(first.header("Retry-After")).isEqualTo("2");
      // a read and a write at most, each bounded by the 500 ms timeout (10 s each before);
      // generous: a loaded machine is slow, but nowhere near that
      assertThat(took).isLessThan(TIMEOUT.multipliedBy(8));

      for (int i = 0; i < 10 && !breaker().equals("OPEN"); i++) {
        http.get(Api.session(id)).problem(503, "cannot be reached");
      }
      assertThat(breaker()).isEqualTo("OPEN");
      assertThat(management.get("/actuator/health/sessions").json().get("details").has("degraded"))
          .isTrue();
      assertThat(
              app.app()
                  .getBean(MeterRegistry.class)
                  .get("cadenza.sessions.store.breaker.state")
                  .gauge()
                  .value())
          .isEqualTo(2);
      // open: every command answers at once, DynamoDB is not waited for
      http.command(id, "pause", null).problem(503, "cannot be reached");
      http.post(Api.SESSIONS, null).problem(503, "cannot be reached");
    } finally {
      dynalite.thaw();
    }

    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> breaker().equals("CLOSED") && http.get(Api.session(id)).status() == 200);
    assertThat(http.post(Api.members(id), "{\"name\":\"back\"}").status()).isEqualTo(201);
  }
}
