package dev.cadenza.stream.warmup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.account.WarmUpKey;
import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.metadata.TrackEmbeddings;
import dev.cadenza.stream.testsupport.PrometheusText;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.context.support.GenericApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The warm-up before readiness, with authentication on as in a cluster: its loopback requests are
 * accepted on its key, readiness waits for it, and the key is revoked when it ends.
 */
class StreamWarmUpTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    for (int i = 1; i <= 3; i++) {
      TestAudio.wav(library.resolve("track-" + i + ".wav"), 176_400 * i, i);
    }
    app =
        AccountTestApp.start(
            library,
            data,
            "--cadenza.warm-up.max-duration=2s",
            "--management.endpoint.health.group.readiness.show-details=always");
    new CatalogClient(app.port()).awaitReady(app.managementPort());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @Test
  void readinessIncludesTheWarmUpWhichStreamedOnItsKeyWithoutAFailure() {
    JsonNode readiness =
        JsonMapper.builder()
            .build()
            .readTree(
                new TestHttp(app.managementPort())
                    .send("GET", "/actuator/health/readiness", null)
                    .body());
    JsonNode warmUp = readiness.get("components").get("warmUp");
    assertThat(warmUp.get("status").asString()).isEqualTo("UP");
    assertThat(warmUp.get("details").get("state").asString()).isEqualTo("done");
    assertThat(warmUp.get("details").get("requests").asLong()).isPositive();
    assertThat(warmUp.get("details").get("failed").asLong()).isZero();
    // it began once the first embedding pass had covered the catalogue (a restart's saved vectors)
    assertThat(app.app().getBean(TrackEmbeddings.class).settled()).isTrue();

    PrometheusText metrics =
        PrometheusText.parse(
            new TestHttp(app.managementPort()).send("GET", "/actuator/prometheus", null).body());
    assertThat(metrics.count("cadenza_warmup_requests_total", "outcome", "ok")).isPositive();
    assertThat(metrics.count("cadenza_warmup_requests_total", "outcome", "failed")).isZero();
    assertThat(metrics.value("cadenza_warmup_duration_seconds")).isPositive();
    // the warm-up's requests went through the stream route like any other
    assertThat(metrics.count("cadenza_stream_requests_seconds_count")).isPositive();
  }

  @Test
  void theKeyIsRevokedOnceTheWarmUpHasRunAndCannotBeIssuedAgain() {
    WarmUpKey key = app.app().getBean(WarmUpKey.class);

    assertThat(key.valid()).isFalse();
    assertThatThrownBy(key::issue).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void isOutOfServiceUntilItHasRunAndUpWhenOff() {
    ServerProperties server = new ServerProperties();
    StreamWarmUp waiting =
        new StreamWarmUp(
            new WarmUpSettings(Duration.ofSeconds(5)),
            mock(Library.class),
            mock(TrackEmbeddings.class),
            new WarmUpKey(),
            server,
            new SimpleMeterRegistry());
    StreamWarmUp off =
        new StreamWarmUp(
            new WarmUpSettings(Duration.ZERO),
            mock(Library.class),
            mock(TrackEmbeddings.class),
            new WarmUpKey(),
            server,
            new SimpleMeterRegistry());

    Health health = waiting.health();
    assertThat(health.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    assertThat(health.getDetails()).containsEntry("state", "waiting");
    assertThat(off.health().getStatus()).isEqualTo(Status.UP);
    assertThat(off.health().getDetails()).containsEntry("state", "off");
  }

  @Test
  void anApplicationWithoutAWebServerSkipsItAndStaysReady() {
    StreamWarmUp warmUp =
        new StreamWarmUp(
            new WarmUpSettings(Duration.ofSeconds(5)),
            mock(Library.class),
            mock(TrackEmbeddings.class),
            new WarmUpKey(),
            (ServerProperties) null,
            new SimpleMeterRegistry());

    try (GenericApplicationContext context = new GenericApplicationContext()) {
      warmUp.onApplicationEvent(
          new ApplicationReadyEvent(
              new SpringApplication(), new String[0], context, Duration.ZERO));
    }

    assertThat(warmUp.state()).isEqualTo(StreamWarmUp.State.SKIPPED);
    assertThat(warmUp.health().getStatus()).isEqualTo(Status.UP);
    assertThat(warmUp.health().getDetails()).containsEntry("state", "skipped");
  }
}
