package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With embeddings off the service still lists and streams; similar tracks say why they cannot. */
class SimilarTracksDisabledTest {

  @TempDir static Path tmp;
  static TestApp app;
  static CatalogClient api;

  @BeforeAll
  static void start() throws Exception {
    app =
        TestApp.start(
            LibraryFixtures.copyDemo(tmp.resolve("library")),
            "--cadenza.metadata.embeddings=false");
    api = new CatalogClient(app.port()).awaitReady(app.managementPort());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @Test
  void similarIsA503ThatNamesTheSettingAndTheListingHasNoCodes() throws Exception {
    String id = (String) api.items("/api/v1/tracks", "limit", "1").get(0).get("id");
    api.web()
        .get()
        .uri("/api/v1/tracks/" + id + "/similar")
        .exchange()
        .expectStatus()
        .isEqualTo(503)
        .expectHeader()
        .doesNotExist("Retry-After")
        .expectBody()
        .jsonPath("$.type")
        .isEqualTo("https://cadenza.dev/problems/similar-unavailable")
        .jsonPath("$.detail")
        .value(d -> assertThat((String) d).contains("cadenza.metadata.embeddings is false"));

    assertThat(api.binary("/api/v1/tracks").tracks())
        .isNotEmpty()
        .allSatisfy(t -> assertThat(t.embeddingCode()).isNull());
  }
}
