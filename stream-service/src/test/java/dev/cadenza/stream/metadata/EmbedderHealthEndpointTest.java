package dev.cadenza.stream.metadata;

import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.catalog.CatalogClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/** The {@code metadata} health of the running service, on the demo library. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "cadenza.library.rescan-interval=0",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.show-components=always"
    })
class EmbedderHealthEndpointTest {

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  @Test
  void theModelLoadsInTheBackgroundAndReadinessDoesNotDependOnIt() {
    new CatalogClient(port).awaitReady(managementPort);
    CatalogClient management = new CatalogClient(managementPort);

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                management
                    .web()
                    .get()
                    .uri("/actuator/health/metadata")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("UP")
                    .jsonPath("$.details.embeddings")
                    .isEqualTo("enabled")
                    .jsonPath("$.details.model")
                    .isEqualTo(Embedder.MODEL_NAME));
    management
        .web()
        .get()
        .uri("/actuator/health/readiness")
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .jsonPath("$.components.metadata")
        .doesNotExist();
  }
}
