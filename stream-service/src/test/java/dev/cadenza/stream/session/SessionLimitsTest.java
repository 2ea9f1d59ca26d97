package dev.cadenza.stream.session;

import static dev.cadenza.stream.account.AccountHttp.basic;
import static dev.cadenza.stream.account.AccountTestApp.admin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The per-user limits over HTTP, with authentication on: one user flooding {@code POST
 * /api/v1/sessions} gets 429 past its quota while other users still create sessions, and one user
 * cannot fill a session with members of its own.
 */
class SessionLimitsTest {

  static final int SESSIONS_PER_USER = 3;
  static final int MEMBERS_PER_USER = 2;

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static AccountHttp http;
  static final String FLOODER = basic("flooder", "flooder-password");
  static final String NEIGHBOUR = basic("neighbour", "neighbour-password");

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app =
        AccountTestApp.start(
            library,
            data,
            "--cadenza.sessions.max-sessions-per-user=" + SESSIONS_PER_USER,
            "--cadenza.sessions.max-members-per-user=" + MEMBERS_PER_USER,
            "--cadenza.sessions.empty-ttl=90s");
    http = new AccountHttp(app.port());
    for (String name : new String[] {"flooder", "neighbour"}) {
      Answer a =
          http.json(
              "POST",
              "/api/v1/users",
              admin(),
              Map.of("username", name, "password", name + "-password"));
      assertThat(a.status()).as(a.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static Answer create(String who) {
    return http.json("POST", Api.SESSIONS, who, Map.of());
  }

  static Answer join(String id, String who) {
    return http.json("POST", Api.members(id), who, Map.of("name", "device"));
  }

  @Test
  void aUserFloodingCreatesGets429PastItsQuotaAndOtherUsersStillCreate() {
    List<String> created = new ArrayList<>();
    Answer refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      Answer a = create(FLOODER);
      if (a.status() == 201) {
        created.add(a.json().get("id").asString());
      } else {
        refused = a;
      }
    }
    assertThat(created).hasSize(SESSIONS_PER_USER);
    assertThat(refused).isNotNull();
    assertThat(refused.status()).as(refused.body()).isEqualTo(429);
    assertThat(refused.header("Content-Type")).startsWith("application/problem+json");
    JsonNode problem = refused.json();
    assertThat(problem.get("type").asString())
        .isEqualTo("https://cadenza.dev/problems/session-quota-exceeded");
    assertThat(problem.get("detail").asString())
        .contains(SESSIONS_PER_USER + " live sessions", "cadenza.sessions.max-sessions-per-user");
    assertThat(problem.get("maxSessionsPerUser").asInt()).isEqualTo(SESSIONS_PER_USER);
    // the first of its sessions, empty, expires after empty-ttl
    assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 90L);
    assertThat(
            app.app()
                .getBean(MeterRegistry.class)
                .get("cadenza.sessions.commands")
                .tags("type", "create", "outcome", "over_quota")
                .counter()
                .count())
        .isPositive();

    assertThat(create(NEIGHBOUR).status()).as("another user is not held up").isEqualTo(201);

    // ending one frees its place
    assertThat(http.delete(Api.session(created.get(0)), FLOODER).status()).isEqualTo(204);
    assertThat(create(FLOODER).status()).isEqualTo(201);
    assertThat(create(FLOODER).status()).isEqualTo(429);
  }

  @Test
  void aUserHasAtMostMaxMembersPerUserInOneSession() {
    String id = create(NEIGHBOUR).json().get("id").asString();
    List<String> mine = new ArrayList<>();
    for (int i = 0; i < MEMBERS_PER_USER; i++) {
      Answer joined = join(id, FLOODER);
      assertThat(joined.status()).as(joined.body()).isEqualTo(201);
      mine.add(joined.json().get("id").asString());
    }

    Answer refused = join(id, FLOODER);
    assertThat(refused.status()).as(refused.body()).isEqualTo(409);
    JsonNode problem = refused.json();
    assertThat(problem.get("type").asString())
        .isEqualTo("https://cadenza.dev/problems/member-quota-exceeded");
    assertThat(problem.get("detail").asString())
        .contains(MEMBERS_PER_USER + " members", "cadenza.sessions.max-members-per-user");
    assertThat(problem.get("maxMembersPerUser").asInt()).isEqualTo(MEMBERS_PER_USER);

    assertThat(join(id, NEIGHBOUR).status()).as("other users still join").isEqualTo(201);
    assertThat(http.delete(Api.members(id) + "/" + mine.get(0), FLOODER).status()).isEqualTo(204);
    assertThat(join(id, FLOODER).status()).isEqualTo(201);
  }
}
