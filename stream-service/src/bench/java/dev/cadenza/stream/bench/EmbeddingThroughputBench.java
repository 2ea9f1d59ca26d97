package dev.cadenza.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import dev.cadenza.stream.metadata.Embedder;
import dev.cadenza.stream.metadata.GeneratedTracks;
import dev.cadenza.stream.metadata.MetadataSettings;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: tracks embedded per second with the bundled model, for several layouts of batch size,
 * workers and onnxruntime threads, against the layout that was the default until December 2026
 * (batch 1, one worker of two threads) measured in the same run. Each layout first embeds a warm-up
 * round, then takes the best of three timed rounds. Besides wall-clock tracks/s it prints tracks
 * per CPU-second of the whole process, which other work on a shared machine moves much less. Goal:
 * at least 1,000 tracks/s on 2 cores.
 *
 * <p>Run: {@code ./mvnw -q -B -o verify -pl stream-service -am -Dtest=EmbeddingThroughputBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true}. Settings (system properties):
 * {@code cadenza.bench.tracks} (1000), {@code cadenza.bench.seed} (42).
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class EmbeddingThroughputBench {

  static final double GOAL = 1000;

  /** batch size, workers, threads; the first is the baseline. */
  static final int[][] LAYOUTS = {{1, 1, 2}, {1, 1, 1}, {1, 2, 1}, {8, 2, 1}, {32, 2, 1}};

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  @Test
  void tracksPerSecond() {
    int tracks = Integer.getInteger("cadenza.bench.tracks", 1000);
    long seed = Long.getLong("cadenza.bench.seed", 42);
    List<String> texts = GeneratedTracks.texts(tracks, seed);
    MetadataSettings defaults = MetadataSettings.defaults();
    System.out.printf(
        Locale.ROOT,
        "%d generated tracks, %d cores; default batch %d, %d workers x %d threads%n",
        tracks,
        Runtime.getRuntime().availableProcessors(),
        defaults.batchSize(),
        defaults.workers(),
        defaults.threads());
    System.out.printf(
        Locale.ROOT,
        "%-6s %-9s %10s %10s %12s %8s%n",
        "batch",
        "workers",
        "tracks/s",
        "vs 1x2",
        "tracks/cpu-s",
        "goal");
    double baseline = 0;
    for (int[] layout : LAYOUTS) {
      double[] best = best(texts, layout[0], layout[1], layout[2]);
      baseline = baseline == 0 ? best[0] : baseline;
      System.out.printf(
          Locale.ROOT,
          "%-6d %-9s %10.0f %9.2fx %12.0f %8s%n",
          layout[0],
          layout[1] + "x" + layout[2],
          best[0],
          best[0] / baseline,
          best[1],
          best[0] >= GOAL ? "met" : "MISSED");
    }
  }

  /** The best round's tracks per second of wall-clock time and of process CPU time. */
  private static double[] best(List<String> texts, int batch, int workers, int threads) {
    MetadataSettings settings =
        new MetadataSettings(true, batch, threads, workers, 64, 256, "", 10000, 200);
    try (Embedder embedder = new Embedder(settings, Embedder.MODEL, Embedder.TOKENIZER)) {
      embedder.embed(texts.subList(0, Math.min(200, texts.size()))).join(); // warm-up
      double[] best = {0, 0};
      for (int round = 0; round < 3; round++) {
        long cpu = OS.getProcessCpuTime();
        long start = System.nanoTime();
        List<float[]> vectors = embedder.embed(texts).join();
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuSeconds = (OS.getProcessCpuTime() - cpu) / 1e9;
        assertThat(vectors).hasSize(texts.size());
        if (texts.size() / seconds > best[0]) {
          best = new double[] {texts.size() / seconds, texts.size() / cpuSeconds};
        }
      }
      return best;
    }
  }
}
