package dev.cadenza.stream.account;

import static dev.cadenza.stream.account.AccountTestApp.ADMIN_PASSWORD;
import static dev.cadenza.stream.account.AccountTestApp.admin;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.testsupport.CapturedLogs;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web player's login: a session cookie, its CSRF token, logout, and what ends a session, over
 * HTTP as a browser sends it. The service trusts 127.0.0.1 as a proxy here, so a test can say it
 * came over TLS with {@code X-Forwarded-Proto}; that an untrusted peer cannot is
 * ClientAddressTest's.
 */
class WebSessionApiTest {

  static final String SECRET_KEY = AccountTestApp.secretKey();

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static TestHttp raw;
  static AccountHttp http;
  static String trackId;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = startApp();
    trackId = app.app().getBean(Library.class).catalog().tracks().get(0).id();
  }

  static TestApp startApp() throws Exception {
    TestApp started =
        AccountTestApp.start(
            library,
            data,
            "--cadenza.auth.secret-key=" + SECRET_KEY,
            "--cadenza.auth.failed-logins.max-failures-per-address=1000",
            "--cadenza.server.trusted-proxies=127.0.0.1/32");
    raw = new TestHttp(started.port());
    http = new AccountHttp(started.port());
    return started;
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  /** A login's answer, its cookie ({@code name=value}) and CSRF token. */
  record Login(HttpResponse<String> response, String cookie, String csrf) {}

  static HttpResponse<String> postLogin(String username, String password, String... headers) {
    String body =
        AccountHttp.JSON.writeValueAsString(Map.of("username", username, "password", password));
    String[] all = new String[headers.length + 2];
    all[0] = "Content-Type";
    all[1] = "application/json";
    System.arraycopy(headers, 0, all, 2, headers.length);
    return raw.send("POST", "/api/v1/auth/session", body, all);
  }

  static Login login(String username, String password) {
    HttpResponse<String> r = postLogin(username, password);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = new Answer(200, r).json().get("csrfToken").asString();
    return new Login(r, cookie, csrf);
  }

  static HttpResponse<String> withCookie(
      String method, String path, String cookie, String csrf, String body) {
    return raw.send(
        method,
        path,
        body,
        "Cookie",
        cookie,
        "X-Cadenza-CSRF",
        csrf,
        "Content-Type",
        body == null ? null : "application/json");
  }

  static String createUser(String username, String password) {
    Answer created =
        http.json(
            "POST",
            "/api/v1/users",
            admin(),
            Map.of("username", username, "password", password, "role", "user"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("id").asString();
  }

  @Test
  void aLoginAnswersTheUserAndACsrfTokenAndSetsAnHttpOnlyStrictCookie() {
    Login l = login("admin", ADMIN_PASSWORD);
    Answer a = new Answer(200, l.response());
    assertThat(a.json().get("user").get("username").asString()).isEqualTo("admin");
    assertThat(a.json().get("user").get("role").asString()).isEqualTo("admin");
    assertThat(l.csrf()).matches("[A-Za-z0-9_-]{43}");
    String setCookie = l.response().headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(l.cookie()).matches("cadenza_session=[A-Za-z0-9_-]{43}");
    assertThat(setCookie)
        .contains("; Path=/", "; HttpOnly", "; SameSite=Strict", "; Max-Age=" + 90 * 86_400)
        .doesNotContain("Secure");
    assertThat(a.body()).doesNotContain(l.cookie().substring("cadenza_session=".length()));
    assertThat(a.header("Cache-Control")).isEqualTo("no-store");

    HttpResponse<String> me = withCookie("GET", "/api/v1/me", l.cookie(), null, null);
    assertThat(me.statusCode()).isEqualTo(200);
    HttpResponse<String> session =
        withCookie("GET", "/api/v1/auth/session", l.cookie(), null, null);
    assertThat(session.statusCode()).isEqualTo(200);
    assertThat(new Answer(200, session).json().get("csrfToken").asString()).isEqualTo(l.csrf());
  }

  @Test
  void theCookieIsSecureOnlyWhenATrustedProxySaysTheClientCameOverTls() {
    HttpResponse<String> tls = postLogin("admin", ADMIN_PASSWORD, "X-Forwarded-Proto", "https");
    assertThat(tls.headers().firstValue("Set-Cookie").orElseThrow()).endsWith("; Secure");
    HttpResponse<String> plain = postLogin("admin", ADMIN_PASSWORD, "X-Forwarded-Proto", "http");
    assertThat(plain.headers().firstValue("Set-Cookie").orElseThrow()).doesNotContain("Secure");
  }

  @Test
  void wrongPasswordsAreCountedAsFailedLoginsLikeBasicOnes() {
    createUser("wendy", "wendy-password-1");
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = postLogin("wendy", "not-her-password");
      assertThat(r.statusCode()).isEqualTo(401);
      assertThat(r.body()).contains("wrong-credentials").doesNotContain("not-her-password");
      assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
    }
    // locked out: the right password too, through the login and through Basic alike
    assertThat(postLogin("wendy", "wendy-password-1").statusCode()).isEqualTo(429);
    assertThat(http.get("/api/v1/me", AccountHttp.basic("wendy", "wendy-password-1")).status())
        .isEqualTo(429);
  }

  @Test
  void aLoginFromAnotherSitesPageIsRefused() {
    // login CSRF: another site's form must not sign the browser in to an account it chose
    HttpResponse<String> r =
        postLogin("admin", ADMIN_PASSWORD, "Origin", "https://elsewhere.example");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("cross-site-request");
    assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  void aDisabledUserIsRefusedWith403() {
    createUser("dora", "dora-password-1");
    assertThat(http.json("PATCH", "/api/v1/users/dora", admin(), Map.of("disabled", true)).status())
        .isEqualTo(200);
    HttpResponse<String> r = postLogin("dora", "dora-password-1");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("user-disabled");
  }

  @Test
  void aBodyThatIsNotJsonIs415AndAMissingFieldIs400() {
    HttpResponse<String> text =
        raw.send(
            "POST",
            "/api/v1/auth/session",
            "username=admin&password=x",
            "Content-Type",
            "application/x-www-form-urlencoded");
    assertThat(text.statusCode()).isEqualTo(415);
    HttpResponse<String> missing =
        raw.send(
            "POST",
            "/api/v1/auth/session",
            "{\"username\":\"admin\"}",
            "Content-Type",
            "application/json");
    assertThat(missing.statusCode()).isEqualTo(400);
    assertThat(missing.body()).contains("'password' is required");
  }

  @Test
  void withoutACookieTheSessionIs401() {
    assertThat(raw.send("GET", "/api/v1/auth/session", null).statusCode()).isEqualTo(401);
    HttpResponse<String> forged =
        withCookie("GET", "/api/v1/auth/session", "cadenza_session=" + "A".repeat(43), null, null);
    assertThat(forged.statusCode()).isEqualTo(401);
    assertThat(forged.body()).contains("session-ended");
  }

  @Test
  void aLogoutEndsTheSessionAndClearsTheCookie() {
    Login l = login("admin", ADMIN_PASSWORD);
    HttpResponse<String> out =
        withCookie("DELETE", "/api/v1/auth/session", l.cookie(), l.csrf(), null);
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow())
        .startsWith("cadenza_session=;")
        .contains("Max-Age=0");
    for (String path : new String[] {"/api/v1/auth/session", "/api/v1/me"}) {
      HttpResponse<String> after = withCookie("GET", path, l.cookie(), null, null);
      assertThat(after.statusCode()).as(path).isEqualTo(401);
      assertThat(after.body()).contains("session-ended");
    }
  }

  @Test
  void aChangeWithTheCookieNeedsTheSessionsCsrfToken() {
    Login l = login("admin", ADMIN_PASSWORD);
    String body = "{\"name\":\"from the browser\"}";
    HttpResponse<String> missing = withCookie("POST", "/api/v1/me/keys", l.cookie(), null, body);
    assertThat(missing.statusCode()).isEqualTo(403);
    assertThat(missing.body()).contains("csrf-token-missing");
    HttpResponse<String> wrong =
        withCookie("POST", "/api/v1/me/keys", l.cookie(), "B".repeat(43), body);
    assertThat(wrong.statusCode()).isEqualTo(403);
    assertThat(wrong.body()).contains("csrf-token-mismatch");
    Login other = login("admin", ADMIN_PASSWORD);
    assertThat(withCookie("POST", "/api/v1/me/keys", l.cookie(), other.csrf(), body).statusCode())
        .as("another session's token")
        .isEqualTo(403);
    HttpResponse<String> ok = withCookie("POST", "/api/v1/me/keys", l.cookie(), l.csrf(), body);
    assertThat(ok.statusCode()).as(ok.body()).isEqualTo(201);
    // the logout is a change too
    assertThat(withCookie("DELETE", "/api/v1/auth/session", l.cookie(), null, null).statusCode())
        .isEqualTo(403);
  }

  @Test
  void basicAndBearerChangesNeedNoCsrfTokenEvenWithACookie() {
    Login l = login("admin", ADMIN_PASSWORD);
    HttpResponse<String> r =
        raw.send(
            "POST",
            "/api/v1/me/keys",
            "{\"name\":\"curl\"}",
            "Authorization",
            admin(),
            "Cookie",
            l.cookie(),
            "Content-Type",
            "application/json");
    assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
  }

  @Test
  void theCookieStreamsATrackWithRanges() {
    Login l = login("admin", ADMIN_PASSWORD);
    HttpResponse<String> r =
        raw.send(
            "GET",
            "/api/v1/tracks/" + trackId + "/stream",
            null,
            "Cookie",
            l.cookie(),
            "Range",
            "bytes=0-99");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.headers().firstValue("Content-Range").orElseThrow()).startsWith("bytes 0-99/");
    assertThat(r.headers().firstValue("Content-Length")).hasValue("100");
    assertThat(raw.send("GET", "/api/v1/tracks/" + trackId + "/stream", null).statusCode())
        .isEqualTo(401);
  }

  @Test
  void theSubsonicApiIgnoresTheCookie() {
    Login l = login("admin", ADMIN_PASSWORD);
    HttpResponse<String> r =
        raw.send("GET", "/rest/ping?v=1.16.1&c=t&f=json", null, "Cookie", l.cookie());
    assertThat(r.body()).contains("\"status\":\"failed\"");
  }

  @Test
  void aNewPasswordADisabledUserOrADeletedOneEndsTheirSessions() {
    createUser("paula", "paula-password-1");
    createUser("dave", "dave-password-1");
    createUser("del", "del-password-1");
    Login paula = login("paula", "paula-password-1");
    Login dave = login("dave", "dave-password-1");
    Login del = login("del", "del-password-1");
    for (Login l : new Login[] {paula, dave, del}) {
      assertThat(withCookie("GET", "/api/v1/me", l.cookie(), null, null).statusCode())
          .isEqualTo(200);
    }
    assertThat(
            http.json("PATCH", "/api/v1/users/paula", admin(), Map.of("password", "paula-new-pw-2"))
                .status())
        .isEqualTo(200);
    assertThat(http.json("PATCH", "/api/v1/users/dave", admin(), Map.of("disabled", true)).status())
        .isEqualTo(200);
    assertThat(http.delete("/api/v1/users/del", admin()).status()).isEqualTo(204);
    for (Login l : new Login[] {paula, dave, del}) {
      assertThat(withCookie("GET", "/api/v1/me", l.cookie(), null, null).statusCode())
          .isEqualTo(401);
    }
    assertThat(login("paula", "paula-new-pw-2").cookie()).isNotEqualTo(paula.cookie());
  }

  @Test
  void aSessionSurvivesARestartOnTheSameDataDirectory() throws Exception {
    Login l = login("admin", ADMIN_PASSWORD);
    app.app().close();
    app = startApp();
    HttpResponse<String> r = withCookie("GET", "/api/v1/auth/session", l.cookie(), null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    assertThat(new Answer(200, r).json().get("csrfToken").asString()).isEqualTo(l.csrf());
  }

  @Test
  void noTokenOrPasswordIsLogged() {
    try (CapturedLogs logs = CapturedLogs.capture()) {
      Login l = login("admin", ADMIN_PASSWORD);
      String token = l.cookie().substring("cadenza_session=".length());
      withCookie("GET", "/api/v1/me", l.cookie(), null, null);
      withCookie("POST", "/api/v1/me/keys", l.cookie(), "wrong-csrf", "{\"name\":\"x\"}");
      withCookie("DELETE", "/api/v1/auth/session", l.cookie(), l.csrf(), null);
      withCookie("GET", "/api/v1/me", l.cookie(), null, null);
      postLogin("admin", "a-wrong-password-for-the-log");
      assertThat(
              logs.count(
                  Level.TRACE,
                  (ILoggingEvent e) -> {
                    String m = e.getFormattedMessage();
                    return m.contains(token)
                        || m.contains(l.csrf())
                        || m.contains(ADMIN_PASSWORD)
                        || m.contains("a-wrong-password-for-the-log");
                  }))
          .isZero();
    }
  }
}
