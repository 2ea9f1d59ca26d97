package dev.cadenza.stream.account;

import static dev.cadenza.stream.account.AccountHttp.basic;
import static dev.cadenza.stream.account.AccountTestApp.ADMIN;
import static dev.cadenza.stream.account.AccountTestApp.ADMIN_PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.testsupport.RawClient;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failed logins counted per client behind the NGINX front: every request arrives from the front's
 * address (127.0.0.3 here, a trusted proxy), and each player is the address the front appended to
 * {@code X-Forwarded-For}. One player's failures lock out that player only, on the routes Spring
 * serves and on those Reactor Netty serves; a client that is not the front cannot name itself.
 */
class FailedLoginsBehindProxyTest {

  static final String FRONT = "127.0.0.3";
  static final int PER_ADDRESS = 3;

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("a.wav"), 64 * 1024, 1);
    app =
        AccountTestApp.start(
            library,
            data,
            "--cadenza.server.trusted-proxies=" + FRONT,
            "--cadenza.auth.failed-logins.max-failures=1000",
            "--cadenza.auth.failed-logins.max-failures-per-address=" + PER_ADDRESS);
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  @Test
  void onePlayersFailuresBehindTheFrontLockOutThatPlayerOnly() throws Exception {
    String mallory = "X-Forwarded-For: 198.51.100.66\r\n";
    for (int i = 0; i < PER_ADDRESS; i++) {
      assertThat(me(FRONT, mallory, basic("nobody" + i, "wrong-password"))).isEqualTo(401);
    }
    assertThat(me(FRONT, mallory, basic(ADMIN, ADMIN_PASSWORD))).isEqualTo(429);
    assertThat(status(FRONT, "/api/v1/tracks/x/stream", mallory, basic(ADMIN, ADMIN_PASSWORD)))
        .as("the track stream, served by Reactor Netty")
        .isEqualTo(429);

    // another player behind the same front, and the front's own requests
    assertThat(me(FRONT, "X-Forwarded-For: 198.51.100.7\r\n", basic(ADMIN, ADMIN_PASSWORD)))
        .isEqualTo(200);
    assertThat(me(FRONT, "", basic(ADMIN, ADMIN_PASSWORD))).isEqualTo(200);
  }

  @Test
  void aClientThatIsNotTheFrontCannotSpreadItsFailuresOverMadeUpAddresses() throws Exception {
    for (int i = 0; i < PER_ADDRESS; i++) {
      String forged = "X-Forwarded-For: 203.0.113." + i + "\r\n";
      assertThat(me("127.0.0.4", forged, basic("nobody" + i, "wrong-password"))).isEqualTo(401);
    }
    // (a credential not yet proved: a proved one passes a lockout, docs/auth.md)
    assertThat(me("127.0.0.4", "X-Forwarded-For: 203.0.113.99\r\n", basic("nobody", "guess")))
        .isEqualTo(429);
  }

  private static int me(String from, String headers, String authorization) throws IOException {
    return status(from, "/api/v1/me", headers, authorization);
  }

  private static int status(String from, String target, String headers, String authorization)
      throws IOException {
    try (RawClient c = RawClient.connect(from, app.port())) {
      c.get(target, headers + "Authorization: " + authorization + "\r\nConnection: close\r\n");
      return c.response().status();
    }
  }
}
