package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.testsupport.RawHttp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import tools.jackson.databind.JsonNode;

/**
 * The HTTP edge under requests no well-behaved client sends: each answer is an RFC 9457 problem
 * with the status HTTP prescribes, never a 5xx, and nothing is logged as an error.
 */
class HttpEdgeTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static AccountHttp http;
  static TestHttp raw;
  static String trackId;
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
    http = new AccountHttp(app.port());
    raw = new TestHttp(app.port());
    trackId = http.get("/api/v1/tracks", admin()).json().get("items").get(0).get("id").asString();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @BeforeEach
  void captureLogs() {
    logged.start();
    root().addAppender(logged);
  }

  @AfterEach
  void noErrorsLogged() {
    root().detachAppender(logged);
    assertThat(logged.list)
        .as("nothing a client sends is logged as an error or with a stack trace")
        .noneMatch(
            e -> e.getLevel().isGreaterOrEqual(Level.ERROR) || e.getThrowableProxy() != null);
  }

  private static Logger root() {
    return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
  }

  static String admin() {
    return AccountTestApp.admin();
  }

  static void assertProblem(Answer a, int status, String type) {
    assertThat(a.status()).as(a.body()).isEqualTo(status);
    assertThat(a.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(a.problem()).isEqualTo(type);
    assertThat(a.json().get("detail").asString()).isNotBlank();
    assertThat(a.json().get("title").asString()).isNotBlank();
    assertThat(a.json().get("status").asInt()).isEqualTo(status);
  }

  static Answer send(String method, String path, String body, String... headers) {
    HttpResponse<String> r = raw.send(method, path, body, headers);
    return new Answer(r.statusCode(), r);
  }

  static String mediaRanges(int n) {
    return IntStream.range(0, n).mapToObj(i -> "a/b" + i).collect(Collectors.joining(","));
  }

  // --- Accept ------------------------------------------------------------------------------

  @Test
  void anAcceptOfMoreThanFiftyMediaRangesIsA406ProblemOnEverySpringRoute() {
    String accept = mediaRanges(60);
    Answer tracks = send("GET", "/api/v1/tracks", null, "Authorization", admin(), "Accept", accept);
    assertProblem(tracks, 406, "not-acceptable");
    assertThat(tracks.json().get("detail").asString()).contains("60 media ranges");
    assertProblem(
        send("GET", "/api/v1/library", null, "Authorization", admin(), "Accept", accept),
        406,
        "not-acceptable");
    assertProblem(send("GET", "/nowhere", null, "Accept", accept), 406, "not-acceptable");
  }

  @Test
  void anAcceptThatIsNotMediaTypesIsA406Problem() {
    assertProblem(
        send("GET", "/api/v1/tracks", null, "Authorization", admin(), "Accept", "foo"),
        406,
        "not-acceptable");
  }

  @Test
  void anAcceptWithoutJsonIsA406ProblemNamingWhatTheRouteAnswers() {
    Answer a = send("GET", "/api/v1/tracks", null, "Authorization", admin(), "Accept", "text/html");
    assertProblem(a, 406, "not-acceptable");
    assertThat(a.json().get("available").toString()).contains("application/json");
  }

  @Test
  void theOpenSubsonicApiIgnoresAnAcceptItCannotUse() {
    Answer ping =
        send(
            "GET",
            "/rest/ping?u=admin&p=" + AccountTestApp.ADMIN_PASSWORD + "&v=1.16.1&c=t&f=json",
            null,
            "Accept",
            mediaRanges(60));
    assertThat(ping.status()).isEqualTo(200);
    assertThat(ping.body()).contains("\"status\":\"ok\"");
  }

  // --- problems from the decoder and from Spring -------------------------------------------

  @Test
  void aRequestLineLongerThanTheLimitIsA414Problem() throws Exception {
    try (RawHttp r = RawHttp.get(app.port(), "/api/v1/tracks?q=" + "a".repeat(17 * 1024))) {
      assertThat(r.status).isEqualTo(414);
      assertThat(r.headers.get("content-type")).isEqualTo("application/problem+json");
      JsonNode p = AccountHttp.JSON.readTree(r.text());
      assertThat(p.get("type").asString()).endsWith("/uri-too-long");
      assertThat(p.get("detail").asString()).contains("16384 bytes");
    }
  }

  @Test
  void headersLargerThanTheLimitAreA431Problem() throws Exception {
    try (RawHttp r =
        RawHttp.send(
            app.port(), "GET /api/v1/tracks HTTP/1.1\r\nX-Big: " + "a".repeat(9 * 1024), 0)) {
      assertThat(r.status).isEqualTo(431);
      assertThat(r.headers.get("content-type")).isEqualTo("application/problem+json");
      JsonNode p = AccountHttp.JSON.readTree(r.text());
      assertThat(p.get("type").asString()).endsWith("/headers-too-large");
      assertThat(p.get("instance").asString()).isEqualTo("/api/v1/tracks");
    }
  }

  @Test
  void aMalformedPercentEncodingIsA400ProblemOnSpringAndNettyRoutes() throws Exception {
    for (String target :
        new String[] {
          "/api/v1/tracks?q=%zz", "/api/v1/tracks/%zz", "/api/v1/time?t1=%zz", "/nowhere%"
        }) {
      try (RawHttp r = RawHttp.get(app.port(), target)) {
        assertThat(r.status).as(target).isEqualTo(400);
        assertThat(r.headers.get("content-type")).as(target).isEqualTo("application/problem+json");
        JsonNode p = AccountHttp.JSON.readTree(r.text());
        assertThat(p.get("detail").asString()).as(target).isNotBlank();
      }
    }
  }

  @Test
  void aTargetThatIsNotAUriIsA400ProblemEvenForHead() throws Exception {
    try (RawHttp r = RawHttp.send(app.port(), "HEAD /api/v1/tracks?q=a|b HTTP/1.1", 0)) {
      assertThat(r.status).isEqualTo(400);
      assertThat(r.headers.get("content-type")).isEqualTo("application/problem+json");
      assertThat(r.headers).doesNotContainKey("transfer-encoding");
    }
    try (RawHttp r = RawHttp.get(app.port(), "/api/v1/tracks?q=a|b")) {
      JsonNode p = AccountHttp.JSON.readTree(r.text());
      assertThat(p.get("type").asString()).endsWith("/bad-request");
      assertThat(p.get("detail").asString()).contains("not a valid URI");
    }
  }

  @Test
  void aRequestLineThatIsNotHttpIsA400Problem() throws Exception {
    try (RawHttp r = RawHttp.sendVerbatim(app.port(), "GARBAGE\r\n\r\n")) {
      assertThat(r.status).isEqualTo(400);
      JsonNode p = AccountHttp.JSON.readTree(r.text());
      assertThat(p.get("type").asString()).endsWith("/bad-request");
      assertThat(p.has("instance")).as("no target could be read").isFalse();
    }
  }

  @Test
  void springsOwnRefusalsAreProblemsWithTypeAndDetail() {
    assertProblem(http.get("/nowhere", admin()), 404, "route-not-found");
    Answer wrongMethod = http.delete("/api/v1/tracks", admin());
    assertProblem(wrongMethod, 405, "method-not-allowed");
    assertThat(wrongMethod.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
    Answer notJson = http.send("POST", "/api/v1/users", admin(), "{}", "text/plain");
    assertProblem(notJson, 415, "unsupported-media-type");
    assertThat(notJson.json().get("detail").asString()).contains("application/json");
  }

  // --- media types compare case-insensitively ----------------------------------------------

  @Test
  void theBinaryListingIsNegotiatedWhateverTheCaseOfItsMediaType() {
    Answer a =
        send(
            "GET",
            "/api/v1/tracks",
            null,
            "Authorization",
            admin(),
            "Accept",
            "APPLICATION/VND.CADENZA.CATALOG+BINARY");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).isEqualTo("application/vnd.cadenza.catalog+binary");
  }

  @Test
  void theTimeRouteNegotiatesCaseInsensitively() {
    Answer json = send("GET", "/api/v1/time", null, "Accept", "APPLICATION/JSON");
    assertThat(json.status()).isEqualTo(200);
    assertThat(json.header("Content-Type")).isEqualTo("application/json");
    assertThat(send("GET", "/api/v1/time", null, "Accept", "Application/*").status())
        .isEqualTo(200);
    assertProblem(send("GET", "/api/v1/time", null, "Accept", "TEXT/HTML"), 406, "not-acceptable");
  }

  @Test
  void jsonBodiesAreReadWhateverTheCaseOfTheirContentType() {
    Answer created =
        http.send("POST", "/api/v1/sessions", admin(), "{}", "APPLICATION/JSON; CHARSET=UTF-8");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
  }

  @Test
  void theSubsonicStreamReadsAFormWhateverTheCaseOfItsContentType() {
    String form = "u=admin&p=" + AccountTestApp.ADMIN_PASSWORD + "&v=1.16.1&c=test&id=" + trackId;
    Answer a =
        send(
            "POST",
            "/rest/stream",
            form,
            "Content-Type",
            "APPLICATION/X-WWW-FORM-URLENCODED; CHARSET=UTF-8");
    assertThat(a.status()).isEqualTo(200);
    assertThat(a.header("Content-Type")).as(a.body()).isEqualTo("audio/wav");
  }

  // --- bodies are JSON ---------------------------------------------------------------------

  @Test
  void sessionCommandsTakeOnlyJsonBodies() {
    Answer created = http.json("POST", "/api/v1/sessions", admin(), java.util.Map.of());
    String session = created.json().get("id").asString();
    assertProblem(
        http.send("POST", "/api/v1/sessions", admin(), "{}", "text/plain"),
        415,
        "unsupported-media-type");
    for (String command : new String[] {"play", "pause", "seek", "members"}) {
      Answer a =
          http.send(
              "POST",
              "/api/v1/sessions/" + session + "/" + command,
              admin(),
              "{\"positionMs\":0}",
              "text/plain");
      assertProblem(a, 415, "unsupported-media-type");
      assertThat(a.header("Accept")).isEqualTo("application/json");
    }
  }

  @Test
  void aBodyLargerThanTheRouteReadsIsA413Problem() {
    String big = "{\"name\":\"" + "a".repeat(300 * 1024) + "\"}";
    assertProblem(
        http.send("POST", "/api/v1/sessions", admin(), big, "application/json"),
        413,
        "body-too-large");
  }

  @Test
  void everyRouteThatReadsABodyConsumesJsonOnly() {
    List<String> reading = new ArrayList<>();
    List<String> wrong = new ArrayList<>();
    for (RequestMappingInfoHandlerMapping mapping :
        app.app().getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
      mapping
          .getHandlerMethods()
          .forEach(
              (info, method) -> {
                boolean readsBody =
                    Arrays.stream(method.getMethodParameters())
                        .anyMatch(p -> p.hasParameterAnnotation(RequestBody.class));
                if (!readsBody) {
                  return;
                }
                reading.add(info.toString());
                Set<MediaType> consumed = info.getConsumesCondition().getConsumableMediaTypes();
                boolean json =
                    !consumed.isEmpty()
                        && consumed.stream()
                            .allMatch(
                                t ->
                                    t.getSubtype().equals("json")
                                        || t.getSubtype().endsWith("+json"));
                if (!json) {
                  wrong.add(info + " consumes " + consumed);
                }
              });
    }
    assertThat(reading).as("routes with a body").hasSizeGreaterThan(10);
    assertThat(wrong).as("routes reading a body of any type").isEmpty();
  }

  // --- cross-site ---------------------------------------------------------------------------

  @Test
  void aStateChangeFromAnotherSiteIsRefused() {
    assertProblem(
        send(
            "POST",
            "/api/v1/library/scan",
            null,
            "Authorization",
            admin(),
            "Origin",
            "https://elsewhere.example"),
        403,
        "cross-site-request");
    assertProblem(
        send(
            "POST",
            "/api/v1/library/scan",
            null,
            "Authorization",
            admin(),
            "Sec-Fetch-Site",
            "cross-site"),
        403,
        "cross-site-request");
    assertProblem(
        send(
            "POST",
            "/api/v1/sessions",
            "{}",
            "Authorization",
            admin(),
            "Content-Type",
            "application/json",
            "Origin",
            "null"),
        403,
        "cross-site-request");
  }

  @Test
  void aStateChangeFromTheServicesOwnOriginOrFromNoBrowserIsTaken() {
    String origin = "http://127.0.0.1:" + app.port();
    assertThat(
            send(
                    "POST",
                    "/api/v1/library/scan",
                    null,
                    "Authorization",
                    admin(),
                    "Origin",
                    origin,
                    "Sec-Fetch-Site",
                    "same-origin")
                .status())
        .isEqualTo(202);
    assertThat(send("POST", "/api/v1/library/scan", null, "Authorization", admin()).status())
        .isEqualTo(202);
    assertThat(
            send(
                    "GET",
                    "/api/v1/tracks",
                    null,
                    "Authorization",
                    admin(),
                    "Origin",
                    "https://elsewhere.example")
                .status())
        .as("reads are not refused")
        .isEqualTo(200);
    assertThat(
            send(
                    "POST",
                    "/rest/ping?u=admin&p=" + AccountTestApp.ADMIN_PASSWORD + "&v=1.16.1&c=t",
                    null,
                    "Origin",
                    "https://elsewhere.example")
                .status())
        .as("the OpenSubsonic API is left alone")
        .isEqualTo(200);
  }

  // --- methods ------------------------------------------------------------------------------

  @Test
  void anotherMethodOnANettyRouteIsA405ProblemWithAllow() {
    Answer post =
        send("POST", "/api/v1/tracks/" + trackId + "/stream", null, "Authorization", admin());
    assertProblem(post, 405, "method-not-allowed");
    assertThat(post.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
    Answer time = send("DELETE", "/api/v1/time", null);
    assertProblem(time, 405, "method-not-allowed");
    Answer subsonic = send("PUT", "/rest/stream.view", "x");
    assertProblem(subsonic, 405, "method-not-allowed");
    assertThat(subsonic.header("Allow")).isEqualTo("GET, HEAD, POST, OPTIONS");
  }

  @Test
  void optionsOnANettyRouteListsItsMethodsAndHeadOfTheClockWorks() {
    Answer options = send("OPTIONS", "/api/v1/tracks/" + trackId + "/stream", null);
    assertThat(options.status()).isEqualTo(200);
    assertThat(options.header("Allow")).isEqualTo("GET, HEAD, OPTIONS");
    Answer head = send("HEAD", "/api/v1/time", null);
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Type")).isEqualTo("application/json");
  }

  // --- Host ---------------------------------------------------------------------------------

  @Test
  void anHttp11RequestWithoutHostIsA400Problem() throws Exception {
    for (String path : new String[] {"/rest/ping", "/api/v1/time"}) {
      try (RawHttp r =
          RawHttp.sendVerbatim(
              app.port(), "GET " + path + " HTTP/1.1\r\nConnection: close\r\n\r\n")) {
        assertThat(r.status).as(path).isEqualTo(400);
        JsonNode p = AccountHttp.JSON.readTree(r.text());
        assertThat(p.get("detail").asString()).contains("Host");
      }
    }
  }

  @Test
  void twoHostHeadersOrAMalformedOneAreA400Problem() throws Exception {
    for (String hosts : new String[] {"Host: a\r\nHost: b", "Host: a b/c"}) {
      try (RawHttp r =
          RawHttp.sendVerbatim(
              app.port(),
              "GET /api/v1/time HTTP/1.1\r\n" + hosts + "\r\nConnection: close\r\n\r\n")) {
        assertThat(r.status).as(hosts).isEqualTo(400);
        assertThat(r.headers.get("content-type")).isEqualTo("application/problem+json");
      }
    }
  }

  @Test
  void anHttp10RequestMayLeaveHostOut() throws Exception {
    try (RawHttp r = RawHttp.sendVerbatim(app.port(), "GET /api/v1/time HTTP/1.0\r\n\r\n")) {
      assertThat(r.status).isEqualTo(200);
    }
  }

  // --- parameters -----------------------------------------------------------------------------

  @Test
  void aRepeatedParameterIsA400ThatSaysSo() {
    Answer tracks = http.get("/api/v1/tracks?limit=5&limit=7", admin());
    assertProblem(tracks, 400, "repeated-parameter");
    assertThat(tracks.json().get("detail").asString()).contains("'limit' was given 2 times");
    assertProblem(
        http.get("/api/v1/me/scrobbles?limit=1&limit=1", admin()), 400, "repeated-parameter");
    assertProblem(send("GET", "/api/v1/time?t1=1&t1=2", null), 400, "repeated-parameter");
  }
}
