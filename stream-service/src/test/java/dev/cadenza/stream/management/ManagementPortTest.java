package dev.cadenza.stream.management;

import static dev.cadenza.stream.account.AccountTestApp.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.cadenza.stream.StreamServiceApplication;
import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.io.ClassPathResource;
import tools.jackson.databind.JsonNode;

/**
 * The actuator lives on the management port, read there without credentials, and nowhere on the API
 * port, with authentication on as in a cluster. A hostile-traffic review found {@code
 * /actuator/prometheus} (670 KiB a scrape) public on the API port and through the NGINX front.
 */
class ManagementPortTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static AccountHttp api;
  static AccountHttp management;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
    api = new AccountHttp(app.port());
    management = new AccountHttp(app.managementPort());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static final List<String> ACTUATOR_PATHS =
      List.of(
          "/actuator",
          "/actuator/",
          "/actuator/health",
          "/actuator/health/liveness",
          "/actuator/health/readiness",
          "/actuator/info",
          "/actuator/prometheus",
          "/actuator/metrics",
          "/actuator/metrics/jvm.memory.used",
          "/actuator/env",
          "/actuator/no-such-endpoint");

  @Test
  void theApiPortAnswersEveryActuatorPathWith404WithOrWithoutCredentials() {
    assertThat(app.managementPort()).isNotEqualTo(app.port());
    for (String authorization : new String[] {null, admin()}) {
      for (String path : ACTUATOR_PATHS) {
        Answer a = api.get(path, authorization);
        assertThat(a.status()).as(path).isEqualTo(404);
        assertThat(a.header("Content-Type")).as(path).startsWith("application/problem+json");
        assertThat(a.problem()).as(path).isEqualTo("not-found");
        assertThat(a.json().get("title").asString()).isEqualTo("Not found");
        assertThat(a.json().get("detail").asString()).contains("management port");
        assertThat(a.json().get("instance").asString()).isEqualTo(path);
        assertThat(a.body()).as(path).doesNotContain("jvm_").doesNotContain("\"UP\"");
      }
    }
  }

  @Test
  void probesInfoAndMetricsAreReadOnTheManagementPortWithoutCredentials() {
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      Answer a = management.get(probe, null);
      assertThat(a.status()).as(probe).isEqualTo(200);
      assertThat(a.json().get("status").asString()).isEqualTo("UP");
    }
    assertThat(management.get("/actuator/health", null).status()).isEqualTo(200);
    Answer info = management.get("/actuator/info", null);
    assertThat(info.status()).isEqualTo(200);
    assertThat(info.json().get("catalogue").get("tracks").asInt()).isEqualTo(1);
    assertThat(info.json().get("clock").has("source")).isTrue();
    Answer prometheus = management.get("/actuator/prometheus", null);
    assertThat(prometheus.status()).isEqualTo(200);
    assertThat(prometheus.body())
        .containsPattern("(?m)^cadenza_library_tracks(\\{[^}]*\\})? 1\\.0$");
    Answer metrics = management.get("/actuator/metrics/cadenza.library.tracks", null);
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.json().get("measurements").get(0).get("value").asDouble()).isEqualTo(1.0);
  }

  @Test
  void everyEndpointTheManagementPortListsAnswersWithoutCredentials() {
    JsonNode links = management.get("/actuator", null).json().get("_links");
    List<String> names = new ArrayList<>();
    links.properties().forEach(e -> names.add(e.getKey()));
    assertThat(names).contains("health", "info", "prometheus", "metrics").doesNotContain("env");
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, JsonNode> link : links.properties()) {
      if (link.getValue().get("templated").asBoolean()) {
        continue; // health/{*path}, metrics/{name}: covered above with real values
      }
      String href = link.getValue().get("href").asString();
      String path = href.substring(href.indexOf("/actuator"));
      Answer a = management.get(path, null);
      if (a.status() != 200) {
        wrong.add(path + " -> " + a.status());
      }
    }
    assertThat(wrong).as("management endpoints refusing a request without credentials").isEmpty();
  }

  @Test
  void theManagementPortServesNoneOfTheApi() {
    for (String path :
        List.of(
            "/api/v1/tracks",
            "/api/v1/me",
            "/api/v1/time",
            "/rest/ping",
            "/api/v1/tracks/AAAAAAAAAAAAAAAAAAAAAA/stream")) {
      Answer anonymous = management.get(path, null);
      assertThat(anonymous.status()).as(path).isEqualTo(404);
      assertThat(management.get(path, admin()).status()).as(path).isEqualTo(404);
    }
  }

  @Test
  void theServiceRefusesToStartWithTheActuatorOnTheApiPort() {
    Throwable failure =
        catchThrowable(
            () ->
                new SpringApplicationBuilder(StreamServiceApplication.class)
                    .web(WebApplicationType.NONE)
                    .run(
                        "--cadenza.library.path=" + library,
                        "--cadenza.library.rescan-interval=0",
                        "--server.port=8080",
                        "--management.server.port=8080")
                    .close());
    assertThat(failure).isNotNull();
    List<String> messages = new ArrayList<>();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      messages.add(String.valueOf(t.getMessage()));
    }
    assertThat(messages)
        .anySatisfy(m -> assertThat(m).contains("management.server.port").contains("server.port"));
  }

  @Test
  void byDefaultTheManagementPortIs8081OnLoopback() {
    YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
    yaml.setResources(new ClassPathResource("application.yaml"));
    Properties defaults = yaml.getObject();
    assertThat(defaults)
        .containsEntry("management.server.port", 8081)
        .containsEntry("management.server.address", "127.0.0.1")
        .containsEntry("server.port", 8080);
  }
}
