package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.testsupport.MappedRoutes;
import dev.cadenza.stream.testsupport.MappedRoutes.Route;
import dev.cadenza.stream.testsupport.RawHttp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Nothing a client sends produces a 5xx, on any route: every route the service maps (Spring's
 * dispatcher and Reactor Netty's, enumerated as {@code EveryRouteNeedsCredentialsTest} does, so a
 * route added later is covered) gets hostile requests, with and without credentials. Each answer is
 * below 500, each error is {@code application/problem+json} with a {@code type} and a {@code
 * detail} (the OpenSubsonic API may answer in its own format instead, as its spec has it), and
 * nothing is logged as an error or with a stack trace.
 */
class EveryRouteSurvivesHostileInputTest {

  static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE");

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static TestHttp http;
  static String bearer;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
    http = new TestHttp(app.port());
    // a key, not the password: a password costs a deliberately slow hash per request
    JsonNode key =
        new AccountHttp(app.port())
            .json("POST", "/api/v1/me/keys", AccountTestApp.admin(), Map.of("name", "hostile"))
            .json();
    bearer = AccountHttp.bearer(key.get("key").asString());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  /** A request as sent and what came back of it. */
  record Outcome(String request, int status, String contentType, String body, boolean head) {}

  @Test
  void noHostileRequestGetsA5xxOrAnErrorWithoutAProblemOrAnErrorInTheLog() throws Exception {
    Set<Route> routes = MappedRoutes.of(app.app());
    assertThat(routes).hasSizeGreaterThan(40);
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.addAppender(logged);
    List<Outcome> outcomes = new ArrayList<>();
    try {
      for (Route route : routes) {
        for (String authorization : new String[] {null, bearer}) {
          outcomes.addAll(wellFormed(route, authorization));
          outcomes.addAll(malformed(route, authorization));
        }
      }
    } finally {
      root.detachAppender(logged);
    }

    List<String> wrong = new ArrayList<>();
    for (Outcome o : outcomes) {
      String why = wrong(o);
      if (why != null) {
        wrong.add(o.request() + " -> " + o.status() + " " + why);
      }
    }
    assertThat(outcomes).hasSizeGreaterThan(routes.size() * 30);
    assertThat(wrong).as("answers that break the rules, of " + outcomes.size()).isEmpty();
    assertThat(logged.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)))
        .as("errors logged")
        .isEmpty();
    assertThat(logged.list.stream().filter(e -> e.getThrowableProxy() != null))
        .as("stack traces logged")
        .isEmpty();
  }

  /** Why {@code o} breaks the rules, or null when it does not. */
  static String wrong(Outcome o) {
    if (o.status() >= 500) {
      return "a 5xx";
    }
    if (o.status() < 400) {
      return null;
    }
    boolean problem = "application/problem+json".equals(o.contentType());
    // the OpenSubsonic API answers in its own format (a head: its type alone)
    boolean subsonic =
        o.request().contains(" /rest/")
            && (o.head()
                ? o.contentType() != null && !o.contentType().startsWith("text/")
                : o.body() != null && o.body().contains("subsonic-response"));
    if (subsonic) {
      return null;
    }
    if (!problem) {
      return "an error of type " + o.contentType() + ": " + clip(o.body());
    }
    if (o.head()) {
      return null; // a head has no body to look into
    }
    try {
      JsonNode p = AccountHttp.JSON.readTree(o.body());
      if (!p.hasNonNull("type")
          || !p.hasNonNull("detail")
          || p.get("detail").asString().isBlank()) {
        return "a problem without type or detail: " + clip(o.body());
      }
    } catch (RuntimeException e) {
      return "a problem that is not JSON: " + clip(o.body());
    }
    return null;
  }

  /** Requests a client library can send: odd methods, headers and bodies. */
  static List<Outcome> wellFormed(Route route, String authorization) {
    String path = route.path();
    List<Outcome> out = new ArrayList<>();
    for (String method : METHODS) {
      out.add(send(method, path, null, authorization));
    }
    String m = route.method();
    out.add(send(m, path, null, authorization, "Accept", mediaRanges(60)));
    out.add(send(m, path, null, authorization, "Accept", "foo"));
    out.add(send(m, path, null, authorization, "Accept", "*/*;q=x, text/html"));
    out.add(send(m, path, null, authorization, "Accept", "APPLICATION/JSON"));
    out.add(send(m, path, null, authorization, "Accept", "text/html"));
    out.add(send(m, path + "?limit=1&limit=2&id=a&id=b&t1=1&t1=2", null, authorization));
    out.add(send(m, path + "?limit=-1&offset=x&cursor=%00&kind=%E2%82", null, authorization));
    out.add(send(m, path, "{\"a\":", authorization, "Content-Type", "application/json"));
    out.add(send(m, path, "[1,2", authorization, "Content-Type", "APPLICATION/JSON"));
    out.add(send(m, path, "{}", authorization, "Content-Type", "text/plain"));
    out.add(send(m, path, "{}", authorization)); // a body without Content-Type
    out.add(send(m, path, "{}", authorization, "Content-Type", "application/json;charset=nope"));
    out.add(send(m, path, "{}", authorization, "Content-Type", "no-slash"));
    out.add(
        send(
            m,
            path,
            "a=%zz&b",
            authorization,
            "Content-Type",
            "application/x-www-form-urlencoded"));
    out.add(send(m, path, null, authorization, "Origin", "https://elsewhere.example"));
    out.add(send(m, path, null, authorization, "Range", "bytes=9-1,x"));
    out.add(send(m, path, null, authorization, "If-Match", "\"unterminated"));
    out.add(send(m, path, null, authorization, "If-Modified-Since", "yesterday"));
    out.add(send(m, path, null, authorization, "If-None-Match", "W/\"x\", *, \""));
    out.add(send(m, path, null, authorization, "Accept-Encoding", "gzip;q=nope, *;q=-1"));
    // the web session's cookie and CSRF header, malformed or made up
    out.add(send(m, path, null, authorization, "Cookie", "cadenza_session=%zz; =; ;;"));
    out.add(send(m, path, null, authorization, "Cookie", "cadenza_session=" + "A".repeat(43)));
    out.add(
        send(
            m,
            path,
            "{}",
            authorization,
            "Cookie",
            "cadenza_session=" + "B".repeat(4000),
            "X-Cadenza-CSRF",
            "!$%" + "x".repeat(100),
            "Content-Type",
            "application/json"));
    return out;
  }

  /** Requests no client library sends, over a socket. */
  static List<Outcome> malformed(Route route, String authorization) throws IOException {
    String path = route.path();
    String auth = authorization == null ? "" : "Authorization: " + authorization + "\r\n";
    String m = route.method();
    List<Outcome> out = new ArrayList<>();
    out.add(raw(m + " " + path + "?q=%zz HTTP/1.1\r\nHost: x\r\n" + auth));
    out.add(raw(m + " " + path + "%zz HTTP/1.1\r\nHost: x\r\n" + auth));
    out.add(raw(m + " " + path + "?q=a|b{c} HTTP/1.1\r\nHost: x\r\n" + auth));
    out.add(raw(m + " " + path + " HTTP/1.1\r\n" + auth)); // no Host
    out.add(raw(m + " " + path + " HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + auth));
    out.add(raw(m + " " + path + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(9000) + "\r\n"));
    out.add(raw(m + " " + path + "?" + "q".repeat(17_000) + " HTTP/1.1\r\nHost: x\r\n"));
    return out;
  }

  static Outcome send(String method, String path, String body, String authorization, String... h) {
    List<String> headers = new ArrayList<>(List.of(h));
    headers.add("Authorization");
    headers.add(authorization);
    HttpResponse<String> r = http.send(method, path, body, headers.toArray(String[]::new));
    return new Outcome(
        method + " " + path + " " + List.of(h) + (authorization == null ? "" : " (credentials)"),
        r.statusCode(),
        r.headers().firstValue("Content-Type").orElse(null),
        r.body(),
        method.equals("HEAD"));
  }

  static Outcome raw(String head) throws IOException {
    try (RawHttp r = RawHttp.sendVerbatim(app.port(), head + "Connection: close\r\n\r\n")) {
      return new Outcome(
          clip(head.lines().findFirst().orElse("")) + " (raw)",
          r.status,
          r.headers.get("content-type"),
          head.startsWith("HEAD ") ? null : r.text(),
          head.startsWith("HEAD "));
    }
  }

  static String mediaRanges(int n) {
    return IntStream.range(0, n).mapToObj(i -> "a/b" + i).collect(Collectors.joining(","));
  }

  static String clip(String s) {
    return s == null || s.length() <= 160 ? s : s.substring(0, 160) + "...";
  }
}
