package dev.cadenza.stream.bench;

import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Replays traces through the four policies at several cache sizes and measures byte hit ratios.
 * Every (trace, size, policy) replay is independent and runs as its own task on the pool.
 */
final class Simulator {

  private final Catalogue catalogue;
  private final CaffeinePolicy.Chunks chunks;
  private final ExecutorService pool;

  Simulator(Catalogue catalogue, ExecutorService pool) {
    this.catalogue = catalogue;
    this.chunks = new CaffeinePolicy.Chunks(catalogue);
    this.pool = pool;
  }

  /**
   * For each trace, one row per cache size, each size a fraction of the catalogue's bytes; and per
   * trace, variant and size a variant row. All replays are submitted before any is awaited, to keep
   * the pool busy. Caffeine is replayed {@code l1Runs} times, each variant {@code variantRuns}
   * times: its admission has a random element, so its runs differ.
   */
  Result simulate(
      List<Trace> traces,
      double[] fractions,
      int l1Runs,
      List<CaffeineVariant> variants,
      int variantRuns)
      throws InterruptedException {
    List<List<Replays>> pending = new ArrayList<>();
    for (Trace trace : traces) {
      List<Replays> sizes = new ArrayList<>();
      for (double fraction : fractions) {
        sizes.add(new Replays(trace, fraction, l1Runs, variants, variantRuns));
      }
      pending.add(sizes);
    }
    List<List<Row>> rows = new ArrayList<>();
    List<List<List<VariantRow>>> variantRows = new ArrayList<>();
    for (List<Replays> sizes : pending) {
      List<Row> traceRows = new ArrayList<>();
      List<List<VariantRow>> traceVariants = new ArrayList<>();
      for (int v = 0; v < variants.size(); v++) {
        traceVariants.add(new ArrayList<>());
      }
      for (Replays replays : sizes) {
        traceRows.add(replays.row());
        for (int v = 0; v < variants.size(); v++) {
          traceVariants.get(v).add(replays.variantRow(v, variants.get(v)));
        }
      }
      rows.add(traceRows);
      variantRows.add(traceVariants);
    }
    return new Result(rows, variantRows);
  }

  /** Rows per trace and size; variant rows per trace, variant and size. */
  record Result(List<List<Row>> rows, List<List<List<VariantRow>>> variants) {}

  /**
   * A Caffeine variant on one trace at one size: the mean of its runs, their range, and Caffeine's
   * internals at the end of the first run.
   */
  record VariantRow(
      CaffeineVariant variant,
      double fraction,
      double l1,
      double l1Min,
      double l1Max,
      CaffeinePolicy.Internals internals) {}

  private record VariantRun(double ratio, CaffeinePolicy.Internals internals) {}

  /** The replays of one trace at one cache size, all submitted at once. */
  private final class Replays {
    final double fraction;
    final long capacity;
    final List<Future<Double>> l1 = new ArrayList<>();
    final Future<Double> lru;
    final Future<Double> staticCounted;
    final Future<Double> belady;
    final Future<Double> staticExpected;
    final List<List<Future<VariantRun>>> variants = new ArrayList<>();

    Replays(
        Trace trace,
        double fraction,
        int l1Runs,
        List<CaffeineVariant> variantList,
        int variantRuns) {
      this.fraction = fraction;
      this.capacity = capacityBytes(fraction);
      for (int run = 0; run < l1Runs; run++) {
        l1.add(replay(trace, () -> new CaffeinePolicy(chunks, capacity)));
      }
      for (CaffeineVariant variant : variantList) {
        List<Future<VariantRun>> runs = new ArrayList<>();
        for (int run = 0; run < variantRuns; run++) {
          runs.add(
              pool.submit(
                  () -> {
                    CaffeinePolicy policy = new CaffeinePolicy(chunks, capacity, variant);
                    double ratio = byteHitRatio(trace, policy);
                    return new VariantRun(ratio, policy.internals());
                  }));
        }
        variants.add(runs);
      }
      lru = replay(trace, () -> new LruPolicy(catalogue, capacity));
      staticCounted =
          replay(trace, () -> StaticPopularityPolicy.counted(catalogue, trace, capacity));
      belady = replay(trace, () -> new BeladyPolicy(catalogue, trace, capacity));
      staticExpected =
          replay(trace, () -> StaticPopularityPolicy.expected(catalogue, trace, capacity));
    }

    Row row() throws InterruptedException {
      DoubleSummaryStatistics l1Runs = new DoubleSummaryStatistics();
      for (Future<Double> run : l1) {
        l1Runs.accept(get(run));
      }
      return new Row(
          fraction,
          capacity,
          l1Runs.getAverage(),
          l1Runs.getMin(),
          l1Runs.getMax(),
          get(lru),
          get(staticCounted),
          get(belady),
          get(staticExpected));
    }

    VariantRow variantRow(int v, CaffeineVariant variant) throws InterruptedException {
      DoubleSummaryStatistics runs = new DoubleSummaryStatistics();
      CaffeinePolicy.Internals internals = null;
      for (Future<VariantRun> run : variants.get(v)) {
        VariantRun result = get(run);
        runs.accept(result.ratio());
        internals = internals == null ? result.internals() : internals;
      }
      return new VariantRow(
          variant, fraction, runs.getAverage(), runs.getMin(), runs.getMax(), internals);
    }
  }

  long capacityBytes(double fraction) {
    return Math.round(catalogue.totalBytes() * fraction);
  }

  /** The policy is made on the task, so that only running replays hold cache state. */
  private Future<Double> replay(Trace trace, Supplier<Policy> policy) {
    return pool.submit(() -> byteHitRatio(trace, policy.get()));
  }

  /** Bytes served from the cache over bytes requested, after the warm-up. */
  double byteHitRatio(Trace trace, Policy policy) {
    long requested = 0;
    long hit = 0;
    int[] accesses = trace.chunks();
    for (int t = 0; t < accesses.length; t++) {
      int chunk = accesses[t];
      boolean cached = policy.access(chunk);
      if (t >= trace.warmup()) {
        int bytes = catalogue.chunkBytes(chunk);
        requested += bytes;
        hit += cached ? bytes : 0;
      }
    }
    return (double) hit / requested;
  }

  private static <T> T get(Future<T> ratio) throws InterruptedException {
    try {
      return ratio.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a replay failed", e.getCause());
    }
  }
}
