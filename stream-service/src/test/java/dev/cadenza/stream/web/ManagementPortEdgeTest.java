package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.testsupport.RawHttp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** On a management port of its own, the actuator answers hostile requests as the API port does. */
class ManagementPortEdgeTest {

  @TempDir static Path library;
  static TestApp app;
  static int management;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = TestApp.start(library, "--management.server.port=0");
    management =
        Integer.parseInt(app.app().getEnvironment().getRequiredProperty("local.management.port"));
    assertThat(management).isNotEqualTo(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static JsonNode problem(RawHttp r, int status) throws Exception {
    assertThat(r.status).isEqualTo(status);
    assertThat(r.headers.get("content-type")).isEqualTo("application/problem+json");
    return AccountHttp.JSON.readTree(r.text());
  }

  @Test
  void anHttp11RequestWithoutHostIsA400Problem() throws Exception {
    try (RawHttp r =
        RawHttp.sendVerbatim(
            management, "GET /actuator/health HTTP/1.1\r\nConnection: close\r\n\r\n")) {
      assertThat(problem(r, 400).get("detail").asString()).contains("Host");
    }
  }

  @Test
  void aTargetThatIsNotAUriIsA400Problem() throws Exception {
    try (RawHttp r = RawHttp.get(management, "/actuator/health?x=%zz")) {
      assertThat(problem(r, 400).get("type").asString()).endsWith("/bad-request");
    }
  }

  @Test
  void anAcceptOfMoreThanFiftyMediaRangesIsA406Problem() throws Exception {
    String accept =
        IntStream.range(0, 60).mapToObj(i -> "a/b" + i).collect(Collectors.joining(","));
    try (RawHttp r =
        RawHttp.send(management, "GET /actuator/health HTTP/1.1\r\nAccept: " + accept, 0)) {
      assertThat(problem(r, 406).get("type").asString()).endsWith("/not-acceptable");
    }
  }
}
