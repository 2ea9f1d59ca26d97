package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.session.SessionHttp.Answer;
import dev.cadenza.stream.session.SessionHttp.Events;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * In the embedded default a session nobody changes expires, and its subscribers are told; a full
 * store refuses new sessions until some expire.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the full store is left full: it goes last
class SessionExpiryTest {

  static final int MAX = 3;

  @TempDir static Path library;
  static TestApp app;
  static SessionHttp http;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app =
        TestApp.start(
            library, "--cadenza.sessions.ttl=2s", "--cadenza.sessions.max-sessions=" + MAX);
    http = new SessionHttp(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @Test
  @Order(1)
  void anIdleSessionExpiresAndItsSubscribersGetEnded() throws Exception {
    String id = http.create("brief").id();
    try (Events stream = http.events(id)) {
      await().atMost(Duration.ofSeconds(30)).until(() -> stream.completed);
      assertThat(stream.types()).containsExactly("snapshot", "ended");
    }
    http.get(Api.session(id)).problem(404, id);
  }

  @Test
  @Order(2)
  void aFullStoreRefusesANewSessionWith503UntilOthersExpire() {
    Answer refused = null;
    for (int i = 0; i <= MAX && refused == null; i++) {
      Answer a = http.post(Api.SESSIONS, null);
      if (a.status() != 201) {
        refused = a;
      }
    }
    assertThat(refused).as("a store holding " + MAX + " sessions refuses one more").isNotNull();
    refused.problem(503, "maximum of " + MAX + " sessions", "cadenza.sessions.max-sessions");
    assertThat(refused.header("Retry-After")).isNotBlank();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.post(Api.SESSIONS, null).status() == 201);
  }
}
