package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.catalog.CatalogClient;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * Kubernetes probes and Prometheus metrics of the library (management port), on the demo library.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "cadenza.library.rescan-interval=0"})
class LibraryProbesAndMetricsTest {

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  private CatalogClient management;

  @BeforeEach
  void ready() {
    new CatalogClient(port).awaitReady(managementPort);
    management = new CatalogClient(managementPort);
  }

  @Test
  void livenessAndReadinessAreUpAfterTheFirstScan() {
    for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
      management
          .web()
          .get()
          .uri(probe)
          .exchange()
          .expectStatus()
          .isOk()
          .expectBody()
          .jsonPath("$.status")
          .isEqualTo("UP");
    }
  }

  @Test
  void prometheusExposesLibraryTracksAndScanMetrics() {
    String metrics =
        new String(
            management
                .web()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult()
                .getResponseBody(),
            StandardCharsets.UTF_8);

    assertThat(metrics)
        .containsPattern("(?m)^cadenza_library_tracks(\\{[^}]*\\})? 8\\.0$")
        .containsPattern("(?m)^cadenza_library_scan_seconds_count(\\{[^}]*\\})? [1-9]")
        .contains("cadenza_library_scan_files_found")
        .contains("cadenza_library_scan_files_read")
        .contains("cadenza_library_scan_files_skipped")
        .contains("cadenza_library_scan_running");
  }
}
