package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.testsupport.MappedRoutes;
import dev.cadenza.stream.testsupport.MappedRoutes.Route;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every route the service maps on its API port, through Spring's dispatcher (the controllers) or
 * straight on Reactor Netty (the stream, the clock), refuses a request without credentials, unless
 * it is one of the {@link PublicRoutes}. A route added later is covered without editing this test.
 * The actuator is not among them: it has the management port (ManagementPortTest).
 */
class EveryRouteNeedsCredentialsTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static AccountHttp http;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
    http = new AccountHttp(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static Set<Route> routes() {
    return MappedRoutes.of(app.app());
  }

  @Test
  void everyRouteOffThePublicListRefusesARequestWithoutCredentials() {
    Set<Route> routes = routes();
    assertThat(routes)
        .as("the enumeration finds the controllers and Netty routes, and no actuator endpoint")
        .contains(
            new Route("GET", "/api/v1/tracks/{id}/stream"),
            new Route("GET", "/api/v1/time"),
            new Route("POST", "/api/v1/users"),
            new Route("POST", "/api/v1/library/scan"))
        .noneMatch(r -> r.pattern().startsWith("/actuator"));
    List<String> wrong = new ArrayList<>();
    for (Route route : routes) {
      String method = route.method().equals("HEAD") ? "HEAD" : route.method();
      Answer a = http.send(method, route.path(), null, null, null);
      boolean isPublic = PublicRoutes.isPublic(route.method(), route.path());
      if (isPublic == (a.status() == 401)) {
        wrong.add(route + " -> " + a.status() + (isPublic ? " (public)" : ""));
      }
    }
    assertThat(wrong).as("routes answering otherwise than their listing says").isEmpty();
  }

  @Test
  void theOnlyPublicRoutesAreTheClockTheSubsonicApiTheWebPlayerAndItsLogin() {
    assertThat(
            routes().stream()
                .filter(r -> PublicRoutes.isPublic(r.method(), r.path()))
                .map(r -> r.method() + " " + r.pattern()))
        .allMatch(
            r ->
                r.endsWith(" /api/v1/time")
                    || r.contains(" /rest")
                    || r.equals("POST /api/v1/auth/session")
                    || r.endsWith(" /")
                    || r.contains(" /app/")
                    || r.endsWith(" /favicon.ico"));
  }
}
