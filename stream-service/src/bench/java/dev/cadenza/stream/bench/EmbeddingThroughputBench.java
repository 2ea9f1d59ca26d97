package dev.cadenza.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.OperatingSystemMXBean;
import dev.cadenza.stream.metadata.Embedder;
import dev.cadenza.stream.metadata.GeneratedTracks;
import dev.cadenza.stream.metadata.MetadataSettings;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: tracks embedded per second with the bundled model, for several layouts of batch size,
 * workers and onnxruntime threads, against the layout that was the default until December 2026
 * (batch 1, one worker of two threads) measured in the same run. Every layout embeds a warm-up
 * round; then the timed rounds go through the layouts in turn, so that load from other processes
 * falls on all of them alike. It prints each layout's median and best round, and tracks per
 * CPU-second of the whole process in its median round, which such load moves less. Goal: at least
 * 1,000 tracks/s on 2 cores.
 *
 * <p>Run: {@code ./mvnw -q -B -o verify -pl stream-service -am -Dtest=EmbeddingThroughputBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true}. Settings (system properties):
 * {@code cadenza.bench.tracks} (1000), {@code cadenza.bench.seed} (42), {@code
 * cadenza.bench.rounds} (5).
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class EmbeddingThroughputBench {

  static final double GOAL = 1000;

  /** batch size, workers, threads; the first is the baseline. */
  static final int[][] LAYOUTS = {{1, 1, 2}, {1, 1, 1}, {1, 2, 1}, {8, 2, 1}, {32, 2, 1}};

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  /** One timed round: tracks per second of wall-clock time and of process CPU time. */
  private record Round(double perSecond, double perCpuSecond) {}

  @Test
  void tracksPerSecond() {
    int tracks = Integer.getInteger("cadenza.bench.tracks", 1000);
    long seed = Long.getLong("cadenza.bench.seed", 42);
    int rounds = Integer.getInteger("cadenza.bench.rounds", 5);
    List<String> texts = GeneratedTracks.texts(tracks, seed);
    MetadataSettings defaults = MetadataSettings.defaults();
    System.out.printf(
        Locale.ROOT,
        "%d generated tracks, %d cores, %d rounds; default batch %d, %d workers x %d threads%n",
        tracks,
        Runtime.getRuntime().availableProcessors(),
        rounds,
        defaults.batchSize(),
        defaults.workers(),
        defaults.threads());
    List<Embedder> embedders = new ArrayList<>();
    try {
      List<List<Round>> results = new ArrayList<>();
      for (int[] layout : LAYOUTS) {
        MetadataSettings settings =
            new MetadataSettings(
                true, layout[0], layout[2], layout[1], 64, 256, "", 10000, 200, Duration.ZERO);
        Embedder embedder = new Embedder(settings, Embedder.MODEL, Embedder.TOKENIZER);
        embedders.add(embedder);
        embedder.embed(texts.subList(0, Math.min(200, tracks))).join(); // warm-up
        results.add(new ArrayList<>());
      }
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < LAYOUTS.length; i++) {
          results.get(i).add(round(embedders.get(i), texts));
        }
      }
      print(results);
    } finally {
      embedders.forEach(Embedder::close);
    }
  }

  private static Round round(Embedder embedder, List<String> texts) {
    long cpu = OS.getProcessCpuTime();
    long start = System.nanoTime();
    List<float[]> vectors = embedder.embed(texts).join();
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (OS.getProcessCpuTime() - cpu) / 1e9;
    assertThat(vectors).hasSize(texts.size());
    return new Round(texts.size() / seconds, texts.size() / cpuSeconds);
  }

  private static void print(List<List<Round>> results) {
    System.out.printf(
        Locale.ROOT,
        "%-6s %-8s %9s %9s %7s %12s %6s%n",
        "batch",
        "workers",
        "median/s",
        "best/s",
        "vs 1x2",
        "tracks/cpu-s",
        "goal");
    double baseline = median(results.get(0)).perSecond();
    for (int i = 0; i < LAYOUTS.length; i++) {
      Round median = median(results.get(i));
      double best = results.get(i).stream().mapToDouble(Round::perSecond).max().orElseThrow();
      System.out.printf(
          Locale.ROOT,
          "%-6d %-8s %9.0f %9.0f %6.2fx %12.0f %6s%n",
          LAYOUTS[i][0],
          LAYOUTS[i][1] + "x" + LAYOUTS[i][2],
          median.perSecond(),
          best,
          median.perSecond() / baseline,
          median.perCpuSecond(),
          median.perSecond() >= GOAL ? "met" : "MISSED");
    }
  }

  /** The round of median wall-clock speed. */
  private static Round median(List<Round> rounds) {
    List<Round> sorted =
        rounds.stream().sorted(Comparator.comparingDouble(Round::perSecond)).toList();
    return sorted.get(sorted.size() / 2);
  }
}
