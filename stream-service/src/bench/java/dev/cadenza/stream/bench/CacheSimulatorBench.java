package dev.cadenza.stream.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
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
 * policy per cell, averaged (3), {@code cadenza.bench.threads} (the available processors), {@code
 * cadenza.bench.traces} the traces to replay (all: {@code zipf-0.8,zipf-1.0,albums}), {@code
 * cadenza.bench.variants} Caffeine variants for a separate variants table after the verdict (none;
 * specs as in {@link CaffeineVariant}, comma-separated, e.g. {@code default,ic-16x,hash-idx4}),
 * {@code cadenza.bench.variantRuns} replays per variant and cell (as l1Runs), {@code
 * cadenza.bench.sizes} cache sizes as fractions of the catalogue ({@code 0.01,0.02,0.05,0.1,0.2}).
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
    List<String> traceNames =
        List.of(System.getProperty("cadenza.bench.traces", "zipf-0.8,zipf-1.0,albums").split(","));
    List<CaffeineVariant> variants =
        CaffeineVariant.parseAll(System.getProperty("cadenza.bench.variants", ""));
    int variantRuns = Integer.getInteger("cadenza.bench.variantRuns", l1Runs);
    double[] fractions = CACHE_FRACTIONS;
    String sizes = System.getProperty("cadenza.bench.sizes");
    if (sizes != null) {
      fractions = Arrays.stream(sizes.split(",")).mapToDouble(Double::parseDouble).toArray();
    }
    long start = System.nanoTime();

    Catalogue catalogue = Catalogue.generate(TRACKS, seed);
    List<Trace> traces = new ArrayList<>();
    if (traceNames.contains("zipf-0.8")) {
      traces.add(Traces.zipf(catalogue, 0.8, accesses, seed + 1));
    }
    if (traceNames.contains("zipf-1.0")) {
      traces.add(Traces.zipf(catalogue, 1.0, accesses, seed + 2));
    }
    if (traceNames.contains("albums")) {
      traces.add(Traces.albums(catalogue, 0.9, accesses, seed + 3));
    }
    if (traces.size() != traceNames.size()) {
      throw new IllegalArgumentException(
          "cadenza.bench.traces: zipf-0.8, zipf-1.0 and/or albums, got " + traceNames);
    }
    Simulator.Result simulated;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      simulated =
          new Simulator(catalogue, pool).simulate(traces, fractions, l1Runs, variants, variantRuns);
    } finally {
      pool.shutdownNow();
    }
    List<List<Row>> rows = simulated.rows();
    List<Report.TraceResult> results = new ArrayList<>();
    for (int i = 0; i < traces.size(); i++) {
      Trace trace = traces.get(i);
      results.add(
          new Report.TraceResult(
              trace, trace.name().startsWith("zipf"), rows.get(i), simulated.variants().get(i)));
    }

    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.print(Report.markdown(catalogue, results, l1Runs, variantRuns, threads, seconds));
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
      for (List<Simulator.VariantRow> variant : result.variants()) {
        for (int k = 0; k < variant.size(); k++) {
          Simulator.VariantRow row = variant.get(k);
          String where = result.trace().name() + ": " + row;
          assertTrue(row.l1Min() >= 0 && row.l1Max() <= 1, where);
          assertTrue(
              row.l1Max() <= result.rows().get(k).belady() + BELADY_TOLERANCE,
              "Bélády beaten, " + where);
        }
      }
    }
  }
}
