package dev.cadenza.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.metadata.Embedder;
import dev.cadenza.stream.metadata.GeneratedTracks;
import dev.cadenza.stream.metadata.MetadataSettings;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: tracks embedded per second with the bundled model, for batch sizes 1, 8 and 32, on
 * the default threads (one worker, two onnxruntime threads). Each size first embeds a warm-up
 * round, then takes the best of three timed rounds. Goal: at least 200 tracks/s on 2 cores.
 *
 * <p>Run: {@code ./mvnw -q -B -o verify -pl stream-service -am -Dtest=EmbeddingThroughputBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true}. Settings (system properties):
 * {@code cadenza.bench.tracks} (1000), {@code cadenza.bench.seed} (42), {@code
 * cadenza.bench.threads} (2).
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class EmbeddingThroughputBench {

  static final double GOAL = 200;

  @Test
  void tracksPerSecond() {
    int tracks = Integer.getInteger("cadenza.bench.tracks", 1000);
    long seed = Long.getLong("cadenza.bench.seed", 42);
    int threads = Integer.getInteger("cadenza.bench.threads", 2);
    List<String> texts = GeneratedTracks.texts(tracks, seed);
    System.out.printf(
        Locale.ROOT,
        "%d generated tracks, %d cores, %d onnxruntime threads%n",
        tracks,
        Runtime.getRuntime().availableProcessors(),
        threads);
    System.out.printf(Locale.ROOT, "%-6s %12s %8s%n", "batch", "tracks/s", "goal");
    for (int batch : new int[] {1, 8, 32}) {
      MetadataSettings settings =
          new MetadataSettings(true, batch, threads, 1, 64, 256, "", 10000, 200, Duration.ZERO);
      try (Embedder embedder = new Embedder(settings, Embedder.MODEL, Embedder.TOKENIZER)) {
        embedder.embed(texts.subList(0, Math.min(200, tracks))).join(); // warm-up
        double best = 0;
        for (int round = 0; round < 3; round++) {
          long start = System.nanoTime();
          List<float[]> vectors = embedder.embed(texts).join();
          double seconds = (System.nanoTime() - start) / 1e9;
          assertThat(vectors).hasSize(tracks);
          best = Math.max(best, tracks / seconds);
        }
        System.out.printf(
            Locale.ROOT, "%-6d %12.0f %8s%n", batch, best, best >= GOAL ? "met" : "MISSED");
      }
    }
  }
}
