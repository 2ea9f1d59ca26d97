package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.store.DataProperties;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;

/** Without {@code cadenza.library.path} the service serves the demo library from its classpath. */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "cadenza.library.rescan-interval=0"})
class EmbeddedDemoLibraryTest {

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;
  @Autowired Library library;
  @Autowired DataProperties data;

  private CatalogClient api;

  @BeforeEach
  void ready() {
    api = new CatalogClient(port).awaitReady(managementPort);
  }

  @Test
  void servesTheEightDemoTracksWhenNoLibraryPathIsSet() {
    List<Map<String, Object>> tracks = api.items("/api/v1/tracks");

    assertThat(tracks)
        .extracting(t -> t.get("path"))
        .containsExactlyElementsOf(LibraryFixtures.demoPaths());
    assertThat(tracks)
        .extracting(t -> t.get("id"))
        .containsExactlyElementsOf(LibraryFixtures.demoPaths().stream().map(Ids::track).toList());
    assertThat(api.items("/api/v1/albums")).hasSize(3);
    assertThat(api.items("/api/v1/artists")).hasSize(2);
    assertThat((Integer) api.json("/api/v1/library").read("$.lastScan.skipped")).isZero();
  }

  @Test
  void demoLibraryIsExtractedToTheDataDirectoryNotServedFromTheClasspath() throws Exception {
    Path root = library.root();

    assertThat(root).isDirectory();
    assertThat(root)
        .isEqualTo(data.directory().resolve(LibraryConfiguration.DEMO_LIBRARY).toRealPath());
    for (String path : LibraryFixtures.demoPaths()) {
      assertThat(root.resolve(path)).hasSameBinaryContentAs(LibraryFixtures.demoFile(path));
    }
  }

  @Test
  void demoCoversAreServed() {
    api.web()
        .get()
        .uri("/api/v1/tracks/" + Ids.track(LibraryFixtures.DORIAN_WALK) + "/cover")
        .exchange()
        .expectStatus()
        .isOk()
        .expectHeader()
        .contentType("image/png");
  }
}
