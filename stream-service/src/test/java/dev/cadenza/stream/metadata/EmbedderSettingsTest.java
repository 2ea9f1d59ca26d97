package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

/** {@code cadenza.metadata.*} as the service binds it, and the {@code metadata} health. */
class EmbedderSettingsTest {

  @Configuration(proxyBeanMethods = false)
  @EnableConfigurationProperties(MetadataSettings.class)
  static class Metadata {}

  final ApplicationContextRunner context =
      new ApplicationContextRunner()
          .withUserConfiguration(
              Metadata.class, MetadataConfiguration.class, MetadataHealthIndicator.class);

  @Test
  void embeddingsFalseTurnsThemOffAndHealthSaysWhyWhileStayingUp() {
    context
        .withPropertyValues("cadenza.metadata.embeddings=false")
        .run(
            c -> {
              assertThat(c.getBean(Embedder.class).state()).isEqualTo(Embedder.State.DISABLED);
              Health health = c.getBean(MetadataHealthIndicator.class).health();
              assertThat(health.getStatus()).isEqualTo(Status.UP);
              assertThat(health.getDetails())
                  .containsEntry("embeddings", "disabled")
                  .containsEntry("reason", "cadenza.metadata.embeddings is false");
            });
  }

  @Test
  void byDefaultTheModelLoadsInTheBackgroundAndHealthSaysEnabled() {
    context.run(
        c -> {
          Embedder embedder = c.getBean(Embedder.class);
          embedder.loaded().join();
          Health health = c.getBean(MetadataHealthIndicator.class).health();
          assertThat(health.getStatus()).isEqualTo(Status.UP);
          assertThat(health.getDetails())
              .containsEntry("embeddings", "enabled")
              .containsEntry("model", Embedder.MODEL_NAME);
          assertThat(c.getBean(MetadataSettings.class)).isEqualTo(MetadataSettings.defaults());
        });
  }

  @Test
  void settingsBindAndABadValueFailsWithTheName() {
    context
        .withPropertyValues(
            "cadenza.metadata.batch-size=8",
            "cadenza.metadata.threads=2",
            "cadenza.metadata.workers=1",
            "cadenza.metadata.model-idle-timeout=5m")
        .run(
            c -> {
              MetadataSettings s = c.getBean(MetadataSettings.class);
              assertThat(s.batchSize()).isEqualTo(8);
              assertThat(s.threads()).isEqualTo(2);
              assertThat(s.workers()).isEqualTo(1);
              assertThat(s.modelIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
            });
    context
        .withPropertyValues("cadenza.metadata.model-idle-timeout=-1s")
        .run(
            c ->
                assertThat(c.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("cadenza.metadata.model-idle-timeout"));
    context
        .withPropertyValues("cadenza.metadata.batch-size=0")
        .run(
            c ->
                assertThat(c.getStartupFailure())
                    .rootCause()
                    .hasMessageContaining("cadenza.metadata.batch-size"));
  }
}
