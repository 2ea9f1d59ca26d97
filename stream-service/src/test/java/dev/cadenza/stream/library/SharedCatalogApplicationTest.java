package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The application with DynamoDB configured (dynalite, tables created by the service itself) serves
 * its catalogue from the shared catalog table.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {
      "server.address=127.0.0.1",
      "cadenza.library.rescan-interval=0",
      "cadenza.dynamodb.create-tables=true",
      "cadenza.dynamodb.region=us-east-1",
      "management.endpoint.health.show-details=always",
      "management.endpoint.health.show-components=always"
    })
@DirtiesContext
@ExtendWith(DynaliteExtension.class)
class SharedCatalogApplicationTest {

  @TempDir static Path tmp;
  static Dynalite dynalite;

  @BeforeAll
  static void dynalite(Dynalite server) {
    dynalite = server;
  }

  /** Read when the context starts, after {@link #dynalite}. */
  @DynamicPropertySource
  static void dynamodb(DynamicPropertyRegistry registry) throws Exception {
    Path library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    registry.add("cadenza.library.path", library::toString);
    String prefix = SharedCatalogFixtures.uniquePrefix();
    registry.add("cadenza.dynamodb.table-prefix", () -> prefix);
    registry.add("cadenza.dynamodb.endpoint", () -> dynalite.endpoint().toString());
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired SharedTables tables;

  @Test
  void servesTheCatalogueItWroteToTheCatalogTable() {
    CatalogClient api = new CatalogClient(port).awaitReady(managementPort);
    CatalogClient management = new CatalogClient(managementPort);

    // the only pod: it holds the lease, scanned, and wrote generation 1 (ready comes with the
    // scan, before the write)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                ((Number)
                            get(management, "/actuator/health")
                                .read("$.components.library.details.generation"))
                        .longValue()
                    == 1);
    DocumentContext health = get(management, "/actuator/health");
    assertThat((String) health.read("$.components.library.status")).isEqualTo("UP");
    assertThat((String) health.read("$.components.library.details.mode"))
        .isEqualTo("shared-scanner");
    assertThat((Number) health.read("$.components.library.details.generation"))
        .extracting(Number::longValue)
        .isEqualTo(1L);
    assertThat((String) health.read("$.components.library.details.leaseHolder"))
        .isEqualTo(health.read("$.components.library.details.pod"));
    // what the operator reads for status.catalogue
    DocumentContext info = get(management, "/actuator/info");
    assertThat((Integer) info.read("$.catalogue.tracks")).isEqualTo(8);
    assertThat((String) info.read("$.catalogue.mode")).isEqualTo("shared-scanner");
    assertThat((Number) info.read("$.catalogue.generation"))
        .extracting(Number::longValue)
        .isEqualTo(1L);

    assertThat(api.items("/api/v1/tracks", "limit", "100"))
        .extracting(t -> (String) t.get("id"))
        .containsExactlyInAnyOrderElementsOf(
            LibraryFixtures.demoPaths().stream().map(Ids::track).toList());

    Map<String, AttributeValue> head =
        tables
            .client()
            .getItem(
                b -> b.tableName(tables.catalog()).key(CatalogItems.headKey()).consistentRead(true))
            .join()
            .item();
    assertThat(CatalogItems.head(head).tracks()).isEqualTo(8);
    assertThat(CatalogItems.head(head).generation()).isEqualTo(1);

    String metrics = new String(management.body("/actuator/prometheus"), StandardCharsets.UTF_8);
    assertThat(metrics)
        .containsPattern("(?m)^cadenza_library_shared_generation(\\{[^}]*\\})? 1\\.0$")
        .containsPattern("(?m)^cadenza_library_shared_items_written_total(\\{[^}]*\\})? 8\\.0$")
        .containsPattern("(?m)^cadenza_library_shared_lease_held(\\{[^}]*\\})? 1\\.0$");
  }

  private static DocumentContext get(CatalogClient api, String path) {
    return api.anyJson(path);
  }
}
