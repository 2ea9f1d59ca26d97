package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole service with the embedding model freed when idle: at rest it holds no model and still
 * says embeddings are on, and a file added afterwards is embedded with the model loaded again.
 */
class ModelIdleReleaseTest {

  @TempDir Path tmp;

  @Test
  void aFileAddedAfterTheModelWasFreedIsEmbeddedWithTheModelLoadedAgain() throws Exception {
    Path library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    TestApp app =
        TestApp.start(
            library,
            "--cadenza.data.dir=" + tmp.resolve("data"),
            "--cadenza.metadata.model-idle-timeout=200ms");
    try {
      Library lib = app.app().getBean(Library.class);
      TrackEmbeddings embeddings = app.app().getBean(TrackEmbeddings.class);
      Embedder embedder = app.app().getBean(Embedder.class);
      MeterRegistry meters = app.app().getBean(MeterRegistry.class);
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> lib.lastScan().isPresent() && embeddings.upToDate());

      await().atMost(Duration.ofSeconds(30)).until(() -> !embedder.modelResident());
      assertThat(embedder.state()).isEqualTo(Embedder.State.ENABLED);
      assertThat(meters.get("cadenza.metadata.model.resident").gauge().value()).isZero();
      double loads = meters.get("cadenza.metadata.model.loads").functionCounter().count();
      assertThat(loads).isPositive();

      LibraryFixtures.wav(library.resolve("added.wav"), 44100, 2, 0.5);
      lib.rescan().get(60, TimeUnit.SECONDS);
      Track added =
          lib.catalog().tracks().stream()
              .filter(t -> t.path().equals("added.wav"))
              .findFirst()
              .orElseThrow();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> embeddings.upToDate() && embeddings.code(added).isPresent());

      assertThat(meters.get("cadenza.metadata.model.loads").functionCounter().count())
          .isGreaterThan(loads);
      assertThat(embedder.state()).isEqualTo(Embedder.State.ENABLED);
    } finally {
      app.app().close();
    }
  }
}
