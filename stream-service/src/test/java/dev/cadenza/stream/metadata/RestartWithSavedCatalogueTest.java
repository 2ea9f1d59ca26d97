package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service restarted on the same data directory (a new application context, as a new
 * process would be): it serves the same catalogue and the same embeddings without reading a tag or
 * running the model again.
 */
class RestartWithSavedCatalogueTest {

  @TempDir Path tmp;

  record Served(Set<Track> tracks, Map<String, String> codes, double filesRead, double computed) {}

  /** Starts the service, waits until its scan is done and every track embedded, and stops it. */
  private Served run(Path library, Path data) throws Exception {
    TestApp app = TestApp.start(library, "--cadenza.data.dir=" + data);
    try {
      Library lib = app.app().getBean(Library.class);
      TrackEmbeddings embeddings = app.app().getBean(TrackEmbeddings.class);
      MeterRegistry meters = app.app().getBean(MeterRegistry.class);
      await().atMost(Duration.ofSeconds(60)).until(() -> lib.lastScan().isPresent());
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> embeddings.upToDate() && Files.exists(data.resolve(EmbeddingFile.FILE_NAME)));
      Map<String, String> codes = new TreeMap<>();
      for (Track t : lib.catalog().tracks()) {
        codes.put(t.id(), Base64.getEncoder().encodeToString(embeddings.code(t).orElseThrow()));
      }
      return new Served(
          new HashSet<>(lib.catalog().tracks()),
          codes,
          meters.get("cadenza.library.files.read").counter().count(),
          meters.get("cadenza.metadata.embeddings.computed").counter().count());
    } finally {
      app.app().close();
    }
  }

  @Test
  void aRestartServesTheSameCatalogueAndEmbeddingsWithoutReadingTagsOrRunningTheModel()
      throws Exception {
    Path library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    Path data = tmp.resolve("data");

    Served first = run(library, data);
    assertThat(first.filesRead()).isEqualTo(first.tracks().size()).isPositive();
    assertThat(first.computed()).isPositive();

    Served again = run(library, data);
    assertThat(again.tracks()).isEqualTo(first.tracks());
    assertThat(again.codes()).isEqualTo(first.codes());
    assertThat(again.filesRead()).isZero();
    assertThat(again.computed()).isZero();
  }
}
