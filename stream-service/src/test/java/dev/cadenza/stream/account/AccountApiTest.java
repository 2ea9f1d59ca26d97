package dev.cadenza.stream.account;

import static dev.cadenza.stream.account.AccountHttp.basic;
import static dev.cadenza.stream.account.AccountHttp.bearer;
import static dev.cadenza.stream.account.AccountTestApp.ADMIN_PASSWORD;
import static dev.cadenza.stream.account.AccountTestApp.admin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Users, API keys and the authentication of the native API, over HTTP as curl and players use it.
 */
class AccountApiTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static AccountHttp http;
  static String trackId;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    // the address limit is far off: every test here logs in from 127.0.0.1
    app =
        AccountTestApp.start(
            library, data, "--cadenza.auth.failed-logins.max-failures-per-address=1000");
    http = new AccountHttp(app.port());
    trackId = app.app().getBean(Library.class).catalog().tracks().get(0).id();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static String createUser(String username, String password, String role) {
    Answer created =
        http.json(
            "POST",
            "/api/v1/users",
            admin(),
            Map.of("username", username, "password", password, "role", role));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  static String createKey(String authorization, String name) {
    Answer created = http.json("POST", "/api/v1/me/keys", authorization, Map.of("name", name));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("key").asString();
  }

  @Test
  void withoutCredentialsTheApiAnswers401WithAChallengeAndAProblem() {
    for (String path :
        new String[] {"/api/v1/tracks", "/api/v1/me", "/api/v1/users", "/api/v1/nothing-here"}) {
      Answer a = http.get(path, null);
      assertThat(a.status()).as(path).isEqualTo(401);
      assertThat(a.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"cadenza\"");
      assertThat(a.header("Content-Type")).startsWith("application/problem+json");
      assertThat(a.problem()).isEqualTo("credentials-required");
      assertThat(a.json().get("instance").asString()).isEqualTo(path);
    }
    Answer stream = http.get("/api/v1/tracks/" + trackId + "/stream", null);
    assertThat(stream.status()).isEqualTo(401);
    assertThat(stream.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"cadenza\"");
  }

  @Test
  void theClockExchangeIsPublicAndTheProbesAndMetricsAreReadWithoutCredentialsOnTheirOwnPort() {
    assertThat(http.get("/api/v1/time", null).status()).isEqualTo(200);
    AccountHttp management = new AccountHttp(app.managementPort());
    for (String path :
        new String[] {
          "/actuator/health/readiness", "/actuator/health", "/actuator/info", "/actuator/metrics"
        }) {
      assertThat(management.get(path, null).status()).as(path).isEqualTo(200);
    }
  }

  @Test
  void theAdminLogsInWithBasicAndSeesItself() {
    Answer me = http.get("/api/v1/me", admin());
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("username").asString()).isEqualTo("admin");
    assertThat(me.json().get("role").asString()).isEqualTo("admin");
    assertThat(me.body()).doesNotContain(ADMIN_PASSWORD).doesNotContain("argon2");
  }

  @Test
  void aWrongPasswordIsRefusedWithoutQuotingIt() {
    Answer a = http.get("/api/v1/me", basic("admin", "not-the-password-xyz"));
    assertThat(a.status()).isEqualTo(401);
    assertThat(a.problem()).isEqualTo("wrong-credentials");
    assertThat(a.body()).doesNotContain("not-the-password-xyz");
    Answer unknown = http.get("/api/v1/me", basic("nobody-at-all", "whatever-password"));
    assertThat(unknown.status()).isEqualTo(401);
    assertThat(unknown.json().get("detail")).isEqualTo(a.json().get("detail"));
  }

  @Test
  void malformedCredentialsAre401() {
    assertThat(http.get("/api/v1/me", "Basic %%%").problem()).isEqualTo("malformed-credentials");
    assertThat(http.get("/api/v1/me", "Digest abc").problem()).isEqualTo("malformed-credentials");
    assertThat(http.get("/api/v1/me", "Bearer not-a-key").problem()).isEqualTo("wrong-credentials");
  }

  @Test
  void aUserIsNotAnAdmin() {
    createUser("Listener1", "listener-password", "user");
    String user = basic("listener1", "listener-password"); // usernames ignore case
    Answer me = http.get("/api/v1/me", user);
    assertThat(me.status()).isEqualTo(200);
    assertThat(me.json().get("username").asString()).isEqualTo("Listener1");
    assertThat(me.json().get("role").asString()).isEqualTo("user");
    assertThat(http.get("/api/v1/tracks", user).status()).isEqualTo(200);

    Answer users = http.get("/api/v1/users", user);
    assertThat(users.status()).isEqualTo(403);
    assertThat(users.problem()).isEqualTo("forbidden");
    Answer scan = http.send("POST", "/api/v1/library/scan", user, null, null);
    assertThat(scan.status()).isEqualTo(403);
    assertThat(http.send("POST", "/api/v1/library/scan", admin(), null, null).status())
        .isEqualTo(202);
  }

  @Test
  void usernamesAreUniqueIgnoringCase() {
    createUser("Twin", "twin-password", "user");
    Answer again =
        http.json(
            "POST",
            "/api/v1/users",
            admin(),
            Map.of("username", "TWIN", "password", "other-password"));
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.problem()).isEqualTo("username-taken");
  }

  @Test
  void badUserBodiesGet400NamingTheField() {
    assertThat(field(Map.of("username", "bad name", "password", "long-enough")))
        .isEqualTo("username");
    assertThat(field(Map.of("username", "short", "password", "short"))).isEqualTo("password");
    assertThat(field(Map.of("username", "roles", "password", "long-enough", "role", "root")))
        .isEqualTo("role");
    assertThat(field(Map.of("username", "extra", "password", "long-enough", "admin", true)))
        .isEqualTo("admin");
    assertThat(field(Map.of("password", "long-enough"))).isEqualTo("username");
    Answer notJson =
        http.send(
            "POST", "/api/v1/users", admin(), "username=x", "application/x-www-form-urlencoded");
    assertThat(notJson.status()).isEqualTo(415);
    Answer broken = http.send("POST", "/api/v1/users", admin(), "{", "application/json");
    assertThat(broken.status()).isEqualTo(400);
  }

  private static String field(Map<String, Object> body) {
    Answer a = http.json("POST", "/api/v1/users", admin(), body);
    assertThat(a.status()).as(a.body()).isEqualTo(400);
    assertThat(a.body()).doesNotContain("long-enough");
    return a.json().get("field").asString();
  }

  @Test
  void anApiKeyIsShownOnceAndWorksAsBearerUntilRevoked() {
    createUser("keyholder", "keyholder-password", "user");
    String user = basic("keyholder", "keyholder-password");
    String key = createKey(user, "laptop");
    assertThat(key).startsWith("cdz_").hasSizeGreaterThan(40);

    assertThat(http.get("/api/v1/me", bearer(key)).json().get("username").asString())
        .isEqualTo("keyholder");
    Answer stream = http.get("/api/v1/tracks/" + trackId + "/stream", bearer(key));
    assertThat(stream.status()).isEqualTo(200);

    Answer list = http.get("/api/v1/me/keys", user);
    JsonNode item = list.json().get("items").get(0);
    assertThat(item.get("name").asString()).isEqualTo("laptop");
    assertThat(item.get("lastUsed").isNull()).isFalse();
    assertThat(list.body()).doesNotContain(key).doesNotContain(ApiKeys.sha256(key));

    Answer revoked = http.delete("/api/v1/me/keys/" + item.get("id").asString(), user);
    assertThat(revoked.status()).isEqualTo(204);
    assertThat(http.get("/api/v1/me", bearer(key)).status()).isEqualTo(401);
    assertThat(http.get("/api/v1/me/keys", user).json().get("items").size()).isZero();
    assertThat(http.delete("/api/v1/me/keys/AAAAAAAAAAAAAAAA", user).status()).isEqualTo(404);
  }

  @Test
  void aDisabledUserGets403AndCanBeEnabledAgain() {
    createUser("sleeper", "sleeper-password", "user");
    String user = basic("sleeper", "sleeper-password");
    assertThat(http.get("/api/v1/me", user).status()).isEqualTo(200);

    Answer disabled =
        http.json("PATCH", "/api/v1/users/sleeper", admin(), Map.of("disabled", true));
    assertThat(disabled.json().get("disabled").asBoolean()).isTrue();
    Answer refused = http.get("/api/v1/me", user);
    assertThat(refused.status()).isEqualTo(403);
    assertThat(refused.problem()).isEqualTo("user-disabled");

    http.json("PATCH", "/api/v1/users/sleeper", admin(), Map.of("disabled", false));
    assertThat(http.get("/api/v1/me", user).status()).isEqualTo(200);
  }

  @Test
  void anAdminResetsAPasswordAndTheOldOneStopsWorkingAtOnce() {
    createUser("forgetful", "first-password", "user");
    assertThat(http.get("/api/v1/me", basic("forgetful", "first-password")).status())
        .isEqualTo(200);
    http.json("PATCH", "/api/v1/users/forgetful", admin(), Map.of("password", "second-password"));
    assertThat(http.get("/api/v1/me", basic("forgetful", "first-password")).status())
        .isEqualTo(401);
    assertThat(http.get("/api/v1/me", basic("forgetful", "second-password")).status())
        .isEqualTo(200);
  }

  @Test
  void aUserChangesItsOwnPasswordGivingTheCurrentOne() {
    createUser("changer", "changer-password", "user");
    String user = basic("changer", "changer-password");
    Answer wrong =
        http.json(
            "PUT",
            "/api/v1/me/password",
            user,
            Map.of("current", "wrong-one-here", "new", "next-password"));
    assertThat(wrong.status()).isEqualTo(403);
    assertThat(wrong.problem()).isEqualTo("wrong-password");
    Answer ok =
        http.json(
            "PUT",
            "/api/v1/me/password",
            user,
            Map.of("current", "changer-password", "new", "next-password"));
    assertThat(ok.status()).isEqualTo(204);
    assertThat(http.get("/api/v1/me", user).status()).isEqualTo(401);
    assertThat(http.get("/api/v1/me", basic("changer", "next-password")).status()).isEqualTo(200);
  }

  @Test
  void deletingAUserRevokesItsKeys() {
    createUser("leaver", "leaver-password", "user");
    String key = createKey(basic("leaver", "leaver-password"), "phone");
    assertThat(http.get("/api/v1/me", bearer(key)).status()).isEqualTo(200);

    assertThat(http.delete("/api/v1/users/leaver", admin()).status()).isEqualTo(204);
    assertThat(http.get("/api/v1/me", bearer(key)).status()).isEqualTo(401);
    assertThat(http.get("/api/v1/users/leaver", admin()).status()).isEqualTo(404);
    // the name is free again
    createUser("leaver", "another-password", "user");
  }

  @Test
  void theLastEnabledAdminCannotBeDeletedDisabledOrDemoted() {
    Answer delete = http.delete("/api/v1/users/admin", admin());
    assertThat(delete.status()).isEqualTo(409);
    assertThat(delete.problem()).isEqualTo("last-admin");
    assertThat(
            http.json("PATCH", "/api/v1/users/admin", admin(), Map.of("disabled", true)).status())
        .isEqualTo(409);
    assertThat(http.json("PATCH", "/api/v1/users/admin", admin(), Map.of("role", "user")).status())
        .isEqualTo(409);

    createUser("deputy", "deputy-password", "admin");
    assertThat(http.json("PATCH", "/api/v1/users/deputy", admin(), Map.of("role", "user")).status())
        .isEqualTo(200);
  }

  @Test
  void theAdminListsUsers() {
    createUser("listed", "listed-password", "user");
    Answer list = http.get("/api/v1/users", admin());
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().get("items").valueStream().map(u -> u.get("username").asString()))
        .contains("admin", "listed");
    assertThat(list.body()).doesNotContain("argon2").doesNotContain("v1:");
  }

  @Test
  void anAdminSetsAMaximumBitRateWhenCreatingAndChangingAUser() {
    Answer created =
        http.json(
            "POST",
            "/api/v1/users",
            admin(),
            Map.of("username", "limited", "password", "limited-password", "maxBitRate", 320));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.json().get("maxBitRate").asInt()).isEqualTo(320);
    assertThat(http.get("/api/v1/users/limited", admin()).json().get("maxBitRate").asInt())
        .isEqualTo(320);
    assertThat(
            http.get("/api/v1/users", admin())
                .json()
                .get("items")
                .valueStream()
                .filter(u -> u.get("username").asString().equals("limited"))
                .map(u -> u.get("maxBitRate").asInt()))
        .containsExactly(320);
    String user = basic("limited", "limited-password");
    assertThat(http.get("/api/v1/me", user).json().get("maxBitRate").asInt()).isEqualTo(320);

    Answer lowered =
        http.json("PATCH", "/api/v1/users/limited", admin(), Map.of("maxBitRate", 128));
    assertThat(lowered.status()).as(lowered.body()).isEqualTo(200);
    assertThat(lowered.json().get("maxBitRate").asInt()).isEqualTo(128);
    assertThat(lowered.json().get("role").asString()).isEqualTo("user");
    assertThat(http.get("/api/v1/me", user).json().get("maxBitRate").asInt()).isEqualTo(128);
    // a change of something else keeps the limit; 0 lifts it
    http.json("PATCH", "/api/v1/users/limited", admin(), Map.of("disabled", false));
    assertThat(http.get("/api/v1/me", user).json().get("maxBitRate").asInt()).isEqualTo(128);
    http.json("PATCH", "/api/v1/users/limited", admin(), Map.of("maxBitRate", 0));
    assertThat(http.get("/api/v1/me", user).json().get("maxBitRate").asInt()).isZero();

    createUser("unlimited", "unlimited-password", "user");
    assertThat(http.get("/api/v1/users/unlimited", admin()).json().get("maxBitRate").asInt())
        .isZero();
  }

  @Test
  void aMaximumBitRateOutsideTheAllowedValuesIs400SayingWhichAreAllowed() {
    createUser("ranged", "ranged-password", "user");
    for (Object bad : new Object[] {31, 1412, -1, 5_000_000_000L, "128", 128.5, true}) {
      Answer create =
          http.json(
              "POST",
              "/api/v1/users",
              admin(),
              Map.of("username", "never", "password", "never-password", "maxBitRate", bad));
      Answer change =
          http.json("PATCH", "/api/v1/users/ranged", admin(), Map.of("maxBitRate", bad));
      for (Answer a : new Answer[] {create, change}) {
        assertThat(a.status()).as(bad + ": " + a.body()).isEqualTo(400);
        assertThat(a.problem()).isEqualTo("invalid-body");
        assertThat(a.json().get("field").asString()).isEqualTo("maxBitRate");
        assertThat(a.json().get("detail").asString())
            .contains("0 (no limit) or 32 to 1411 (kbit/s)");
      }
    }
    assertThat(http.get("/api/v1/users/never", admin()).status()).isEqualTo(404);
    assertThat(http.get("/api/v1/users/ranged", admin()).json().get("maxBitRate").asInt()).isZero();
  }

  @Test
  void aUserCannotChangeItsOwnMaximumBitRate() {
    createUser("capped", "capped-password", "user");
    http.json("PATCH", "/api/v1/users/capped", admin(), Map.of("maxBitRate", 96));
    String user = basic("capped", "capped-password");

    Answer raise = http.json("PATCH", "/api/v1/users/capped", user, Map.of("maxBitRate", 0));
    assertThat(raise.status()).isEqualTo(403);
    assertThat(raise.problem()).isEqualTo("forbidden");
    Answer create =
        http.json(
            "POST",
            "/api/v1/users",
            user,
            Map.of("username", "uncapped", "password", "uncapped-password", "maxBitRate", 0));
    assertThat(create.status()).isEqualTo(403);
    assertThat(http.get("/api/v1/me", user).json().get("maxBitRate").asInt()).isEqualTo(96);
  }

  @Test
  void repeatedFailuresForOneUserAreRateLimited() {
    createUser("target", "target-password", "user");
    for (int i = 0; i < 5; i++) {
      assertThat(http.get("/api/v1/me", basic("target", "guess-" + i + "-xxxx")).status())
          .isEqualTo(401);
    }
    Answer limited = http.get("/api/v1/me", basic("target", "target-password"));
    assertThat(limited.status()).isEqualTo(429);
    assertThat(limited.problem()).isEqualTo("rate-limited");
    assertThat(Long.parseLong(limited.header("Retry-After"))).isPositive();
    // another user from the same address is not affected
    assertThat(http.get("/api/v1/me", admin()).status()).isEqualTo(200);
  }
}
