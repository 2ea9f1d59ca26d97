package dev.cadenza.stream.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a cache-policy simulator. Replays seeded request traces (Zipf 0.8, Zipf 1.0, album
 * sessions) over a simulated catalogue of 10,000 tracks in 256 KiB chunks, and prints the byte hit
 * ratio of the L1 cache's policy (real Caffeine, W-TinyLFU) next to LRU, static popularity and
 * Bélády as a Markdown report. Asserts only sanity (ratios in [0, 1], Bélády not beaten by more
 * than a point). Run with bench/cache-sim.sh.
 *
 * <p>Settings (system properties): {@code cadenza.bench.accesses} chunk accesses per trace (default
 * 6,000,000), {@code cadenza.bench.seed} (42), {@code cadenza.bench.l1Runs} replays of the Caffeine
 * policy per cell, averaged (3), {@code cadenza.bench.threads} (the available processors).
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class CacheSimulatorBench {

  static final int TRACKS = 10_000;
  static final double[] CACHE_FRACTIONS = {0.01, 0.02, 0.05, 0.10, 0.20};

  /** Bélády may lose by this much: with variable chunk sizes it is a heuristic, not the optimum. */
  static final double BELADY_TOLERANCE = 0.01;

  @Test
  void byteHitRatios() throws Exception {
    int accesses = Integer.getInteger("cadenza.bench.accesses", 6_000_000);
    long seed = Long.getLong("cadenza.bench.seed", 42);
    int l1Runs = Integer.getInteger("cadenza.bench.l1Runs", 3);
    int threads =
        Integer.getInteger("cadenza.bench.threads", Runtime.getRuntime().availableProcessors());
    long start = System.nanoTime();

    Catalogue catalogue = Catalogue.generate(TRACKS, seed);
    List<Trace> traces =
        List.of(
            Traces.zipf(catalogue, 0.8, accesses, seed + 1),
            Traces.zipf(catalogue, 1.0, accesses, seed + 2),
            Traces.albums(catalogue, 0.9, accesses, seed + 3));
    List<List<Row>> rows;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      rows = new Simulator(catalogue, pool).simulate(traces, CACHE_FRACTIONS, l1Runs);
    } finally {
      pool.shutdownNow();
    }
    List<Report.TraceResult> results = new ArrayList<>();
    for (int i = 0; i < traces.size(); i++) {
      Trace trace = traces.get(i);
      results.add(new Report.TraceResult(trace, trace.name().startsWith("zipf"), rows.get(i)));
    }

    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.print(Report.markdown(catalogue, results, l1Runs, threads, seconds));
    System.out.flush();

    for (Report.TraceResult result : results) {
      for (Row row : result.rows()) {
        String where = result.trace().name() + " at " + row.fraction() + ": " + row;
        for (double ratio :
            new double[] {
              row.l1Max(), row.l1Min(), row.lru(), row.staticPopularity(), row.staticExpected()
            }) {
          assertTrue(ratio >= 0 && ratio <= 1, where);
          assertTrue(ratio <= row.belady() + BELADY_TOLERANCE, "Bélády beaten, " + where);
        }
        assertTrue(row.belady() <= 1, where);
      }
    }
  }
}
