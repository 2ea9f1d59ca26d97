package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestHttp;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances sharing one DynamoDB (dynalite), as two pods behind a load balancer that does not
 * stick a browser to one of them: a web session opened on one is valid on the other, with the same
 * CSRF token, and a logout on one ends it on the other once that pod's cache of validations has
 * expired (here it keeps none: {@code verified-cache-ttl=0}).
 */
@ExtendWith(DynaliteExtension.class)
class WebSessionsAcrossPodsTest {

  @TempDir static Path tmp;
  static TestApp a;
  static TestApp b;

  @BeforeAll
  static void start(Dynalite dynalite) throws Exception {
    Path library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    String prefix = "websessions" + ThreadLocalRandom.current().nextInt(1_000_000);
    String secretKey = AccountTestApp.secretKey();
    a = pod(library, dynalite, prefix, secretKey, "a");
    b = pod(library, dynalite, prefix, secretKey, "b");
  }

  static TestApp pod(Path library, Dynalite dynalite, String prefix, String key, String name)
      throws Exception {
    return AccountTestApp.startSharing(
        library,
        dynalite,
        prefix,
        key,
        tmp.resolve("data-" + name),
        "--cadenza.auth.verified-cache-ttl=0");
  }

  @AfterAll
  static void stop() {
    for (TestApp app : new TestApp[] {a, b}) {
      if (app != null) {
        app.app().close();
      }
    }
  }

  @Test
  void aSessionOpenedOnOnePodWorksOnTheOtherAndALogoutOnEitherEndsIt() {
    TestHttp onA = new TestHttp(a.port());
    TestHttp onB = new TestHttp(b.port());
    HttpResponse<String> login =
        onA.send(
            "POST",
            "/api/v1/auth/session",
            AccountHttp.JSON.writeValueAsString(
                Map.of("username", "admin", "password", AccountTestApp.ADMIN_PASSWORD)),
            "Content-Type",
            "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = AccountHttp.JSON.readTree(login.body()).get("csrfToken").asString();

    HttpResponse<String> onOther = onB.send("GET", "/api/v1/auth/session", null, "Cookie", cookie);
    assertThat(onOther.statusCode()).as(onOther.body()).isEqualTo(200);
    assertThat(AccountHttp.JSON.readTree(onOther.body()).get("csrfToken").asString())
        .isEqualTo(csrf);

    HttpResponse<String> logout =
        onB.send("DELETE", "/api/v1/auth/session", null, "Cookie", cookie, "X-Cadenza-CSRF", csrf);
    assertThat(logout.statusCode()).isEqualTo(204);
    assertThat(onA.send("GET", "/api/v1/me", null, "Cookie", cookie).statusCode()).isEqualTo(401);
  }
}
