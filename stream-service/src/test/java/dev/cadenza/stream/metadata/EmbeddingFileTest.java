package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.library.TagReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embeddings saved in the data directory: read back as written, ignored (and so computed again)
 * when of another model or damaged, and kept while no catalogue is in service yet.
 */
class EmbeddingFileTest {

  @TempDir Path data;
  @TempDir Path root;

  private static TrackVector vector(int seed) {
    float[] v = new float[Embedder.DIMENSIONS];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) Math.sin(seed * 31 + i);
    }
    return TrackVector.of(v);
  }

  @Test
  void vectorsAreReadBackAsWrittenForTheirModelVersionOnly() throws Exception {
    EmbeddingFile file = new EmbeddingFile(data);
    Map<String, TrackVector> saved = Map.of("key-a", vector(1), "key-b", vector(2));
    file.save("model v1", saved);

    assertThat(file.load("model v1")).isEqualTo(saved);
    assertThat(file.load("model v2")).isEmpty();

    Path written = data.resolve(EmbeddingFile.FILE_NAME);
    byte[] bytes = Files.readAllBytes(written);
    Files.write(written, Arrays.copyOf(bytes, bytes.length - 100));
    assertThat(file.load("model v1")).as("truncated").isEmpty();
    bytes[bytes.length / 2] ^= 0x10;
    Files.write(written, bytes);
    assertThat(file.load("model v1")).as("corrupt").isEmpty();
  }

  @Test
  void savedVectorsAreKeptWhileNoCatalogueIsInServiceYet() throws Exception {
    // a library never started: no scan or load finishes, its catalogue stays Catalog.EMPTY
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Library library = new Library(LibraryFixtures.properties(root), new TagReader(), meters);
    List<Map<String, TrackVector>> saves = new ArrayList<>();
    SavedEmbeddings recorded =
        new SavedEmbeddings() {
          @Override
          public Map<String, TrackVector> load(String version) {
            return Map.of("key-a", vector(1));
          }

          @Override
          public synchronized void save(String version, Map<String, TrackVector> vectors) {
            saves.add(Map.copyOf(vectors));
          }
        };
    try (Embedder embedder = Embedder.start(MetadataSettings.defaults())) {
      TrackEmbeddings embeddings =
          new TrackEmbeddings(
              library,
              embedder,
              MetadataSettings.defaults(),
              Duration.ofSeconds(5),
              null,
              recorded,
              meters);
      embeddings.start();
      try {
        // ticks run every second: a pass over the empty catalogue would save an empty set at once
        await()
            .during(Duration.ofSeconds(3))
            .atMost(Duration.ofSeconds(10))
            .until(() -> saves.isEmpty());
      } finally {
        embeddings.stop();
      }
    }
  }
}
