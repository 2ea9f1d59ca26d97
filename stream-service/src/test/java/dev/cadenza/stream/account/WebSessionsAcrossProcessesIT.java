package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.testsupport.LocalStack;
import dev.cadenza.stream.testsupport.LocalStack.Instance;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A browser's web session across two processes of the packaged jar, with authentication on as in a
 * cluster ({@code hack/local-stack.sh}: dynalite, two instances sharing the users table, one admin
 * password and one secret key): the cookie and CSRF token of a login on A authenticate reads, a
 * stream and a change on B, and a logout on A is refused on B once B's remembered validation has
 * expired ({@code cadenza.auth.verified-cache-ttl}, short here). {@link WebSessionsAcrossPodsTest}
 * proves the same with two instances in one JVM.
 */
class WebSessionsAcrossProcessesIT {

  static final Path WORK = Path.of("target/web-sessions-it").toAbsolutePath();

  /** Short, so that the test sees B forget its validation; the default is 1 minute. */
  static final Duration VERIFIED_CACHE_TTL = Duration.ofSeconds(2);

  /** Generous: two JVMs, dynalite and the build share a small machine. */
  static final Duration PATIENCE = Duration.ofSeconds(90);

  static final String PASSWORD = "pw-" + UUID.randomUUID();

  static LocalStack stack;
  static Instance a;
  static Instance b;
  static Path track;

  @BeforeAll
  static void start() throws Exception {
    LocalStack.clean(WORK);
    Path library = Files.createDirectories(WORK.resolve("library"));
    track = library.resolve("only.wav");
    TestAudio.wav(track, 600_000, 1);
    stack =
        new LocalStack(
            WORK,
            library,
            Map.of(
                "CADENZA_AUTH_ENABLED",
                "true",
                "CADENZA_AUTH_ADMIN_PASSWORD",
                PASSWORD,
                "CADENZA_AUTH_SECRET_KEY",
                AccountTestApp.secretKey(),
                "CADENZA_AUTH_VERIFIED_CACHE_TTL",
                VERIFIED_CACHE_TTL.toSeconds() + "s"));
    a = stack.instance(0);
    b = stack.instance(1);
    stack.start(240);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aCookieSessionMadeOnOneProcessWorksOnTheOtherUntilALogoutThereReachesIt() throws Exception {
    TestHttp onA = new TestHttp(a.port());
    TestHttp onB = new TestHttp(b.port());
    HttpResponse<String> login =
        onA.send(
            "POST",
            "/api/v1/auth/session",
            AccountHttp.JSON.writeValueAsString(Map.of("username", "admin", "password", PASSWORD)),
            "Content-Type",
            "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = AccountHttp.JSON.readTree(login.body()).get("csrfToken").asString();

    // reads on B: who am I, and a range of a stream (served on Netty, which checks the cookie
    // itself)
    HttpResponse<String> me = onB.send("GET", "/api/v1/me", null, "Cookie", cookie);
    assertThat(me.statusCode()).as(me.body()).isEqualTo(200);
    assertThat(AccountHttp.JSON.readTree(me.body()).get("username").asString()).isEqualTo("admin");
    String trackId =
        await("B's catalogue")
            .atMost(PATIENCE)
            .until(() -> onlyTrack(onB, cookie), id -> id != null);
    HttpResponse<byte[]> range =
        TestHttp.CLIENT.send(
            onB.request("/api/v1/tracks/" + trackId + "/stream")
                .header("Cookie", cookie)
                .header("Range", "bytes=100-4195")
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(Files.readAllBytes(track), 100, 4196));

    // a change on B: refused without the token, made with it, and seen on A
    String star = "/api/v1/me/stars/track/" + trackId;
    HttpResponse<String> withoutToken = onB.send("PUT", star, null, "Cookie", cookie);
    assertThat(withoutToken.statusCode()).isEqualTo(403);
    assertThat(withoutToken.body()).contains("csrf-token-missing");
    HttpResponse<String> starred =
        onB.send("PUT", star, null, "Cookie", cookie, "X-Cadenza-CSRF", csrf);
    assertThat(starred.statusCode()).as(starred.body()).isEqualTo(200);
    HttpResponse<String> stars =
        onA.send("GET", "/api/v1/me/stars?kind=track", null, "Cookie", cookie);
    assertThat(stars.statusCode()).as(stars.body()).isEqualTo(200);
    assertThat(stars.body()).contains(trackId);

    // B has just validated the cookie and remembers it; A ends the session
    assertThat(onB.send("GET", "/api/v1/me", null, "Cookie", cookie).statusCode()).isEqualTo(200);
    long loggedOut = System.nanoTime();
    HttpResponse<String> logout =
        onA.send("DELETE", "/api/v1/auth/session", null, "Cookie", cookie, "X-Cadenza-CSRF", csrf);
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(onA.send("GET", "/api/v1/me", null, "Cookie", cookie).statusCode())
        .as("A, which served the logout, at once")
        .isEqualTo(401);
    int firstOnB = onB.send("GET", "/api/v1/me", null, "Cookie", cookie).statusCode();
    HttpResponse<String> refused =
        await("B refuses the cookie")
            .atMost(VERIFIED_CACHE_TTL.plus(PATIENCE))
            .pollInterval(Duration.ofMillis(100))
            .until(
                () -> onB.send("GET", "/api/v1/me", null, "Cookie", cookie),
                r -> r.statusCode() != 200);
    long refusedMs = (System.nanoTime() - loggedOut) / 1_000_000;
    assertThat(refused.statusCode()).isEqualTo(401);
    assertThat(refused.body()).contains("session-ended");
    // the stream on B, on Netty's path, refuses it too
    assertThat(
            TestHttp.CLIENT
                .send(
                    onB.request("/api/v1/tracks/" + trackId + "/stream")
                        .header("Cookie", cookie)
                        .header("Range", "bytes=0-99")
                        .build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(401);
    System.out.printf(
        "[web sessions] logout on A: A refused the cookie at once; B answered %d right after,"
            + " then 401 session-ended %d ms after the logout (verified-cache-ttl %d s)%n",
        firstOnB, refusedMs, VERIFIED_CACHE_TTL.toSeconds());
  }

  /** The id of the library's one track as B lists it, or null while B has not scanned it yet. */
  static String onlyTrack(TestHttp http, String cookie) throws Exception {
    HttpResponse<String> r = http.send("GET", "/api/v1/tracks", null, "Cookie", cookie);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode items = AccountHttp.JSON.readTree(r.body()).get("items");
    return items.isEmpty() ? null : items.get(0).get("id").asString();
  }
}
