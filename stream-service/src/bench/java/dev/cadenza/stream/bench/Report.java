package dev.cadenza.stream.bench;

import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The Markdown report: the setting, one table per trace, and one verdict per trace against the goal
 * "L1 within 2 points of static popularity on Zipf and above LRU on every trace".
 */
final class Report {

  /** The largest shortfall of L1 against static popularity that meets the goal, as a ratio. */
  static final double STATIC_TOLERANCE = 0.02;

  /**
   * A trace and its rows; {@code zipf}: independent requests, where the static goal applies. The
   * variant rows, per variant and size, are empty unless variants were asked for.
   */
  record TraceResult(
      Trace trace, boolean zipf, List<Row> rows, List<List<Simulator.VariantRow>> variants) {

    TraceResult(Trace trace, boolean zipf, List<Row> rows) {
      this(trace, zipf, rows, List.of());
    }
  }

  private final StringBuilder out = new StringBuilder();

  static String markdown(
      Catalogue catalogue,
      List<TraceResult> results,
      int l1Runs,
      int variantRuns,
      int threads,
      double seconds) {
    Report report = new Report();
    report.setting(catalogue, results.get(0).trace(), l1Runs, threads, seconds);
    for (TraceResult result : results) {
      report.table(catalogue, result);
    }
    report.line("## Verdict");
    report.line("");
    report.line(
        "Goal: L1 within 2 points of static popularity on the Zipf traces, and above LRU on"
            + " every trace, at every cache size.");
    report.line("");
    for (TraceResult result : results) {
      report.line("- " + verdict(result));
    }
    if (!results.get(0).variants().isEmpty()) {
      report.variants(results, variantRuns);
    }
    return report.out.toString();
  }

  /**
   * The variants section: per trace, each Caffeine variant's byte hit ratio at each size with its
   * gaps to static popularity and to LRU (from the tables above), and a verdict against the same
   * goal; then Caffeine's internals at the end of a replay of the first trace.
   */
  private void variants(List<TraceResult> results, int runs) {
    line("");
    line("## Variants of the L1 setup");
    line("");
    line(
        "The same traces and sizes replayed through variations of the L1 Caffeine setup (%s"
            + " each, averaged). A cell is the byte hit ratio, then in parentheses L1 − static"
            + " popularity / L1 − LRU in points, against the columns of the tables above. `default`"
            + " is the L1 setup again (its own runs). *goal*: the goal above, for the variant.",
        runs == 1 ? "1 run" : runs + " runs");
    line("");
    List<Simulator.VariantRow> firstVariants =
        results.get(0).variants().stream().map(v -> v.get(0)).toList();
    for (Simulator.VariantRow v : firstVariants) {
      line("- `%s`: %s", v.variant().name(), v.variant().description());
    }
    line("");
    List<Row> sizes = results.get(0).rows();
    String header =
        "| variant | "
            + String.join(" | ", sizes.stream().map(r -> percent(r.fraction())).toList())
            + " | goal |";
    String rule = "|---|" + "--:|".repeat(sizes.size()) + "---|";
    for (TraceResult result : results) {
      line("### %s", result.trace().name());
      line("");
      line(header);
      line(rule);
      StringBuilder lru = new StringBuilder("| *LRU* |");
      StringBuilder stat = new StringBuilder("| *static popularity* |");
      for (Row row : result.rows()) {
        lru.append(String.format(Locale.ROOT, " %.1f%% |", 100 * row.lru()));
        stat.append(String.format(Locale.ROOT, " %.1f%% |", 100 * row.staticPopularity()));
      }
      line(stat.append(" |").toString());
      line(lru.append(" |").toString());
      for (List<Simulator.VariantRow> variant : result.variants()) {
        StringBuilder cells = new StringBuilder("| `" + variant.get(0).variant().name() + "` |");
        List<Row> asL1 = new ArrayList<>();
        for (int k = 0; k < variant.size(); k++) {
          Simulator.VariantRow v = variant.get(k);
          Row row = result.rows().get(k);
          cells.append(
              String.format(
                  Locale.ROOT,
                  " %.1f%% (%+.1f / %+.1f) |",
                  100 * v.l1(),
                  100 * (v.l1() - row.staticPopularity()),
                  100 * (v.l1() - row.lru())));
          asL1.add(
              new Row(
                  row.fraction(),
                  row.capacityBytes(),
                  v.l1(),
                  v.l1Min(),
                  v.l1Max(),
                  row.lru(),
                  row.staticPopularity(),
                  row.belady(),
                  row.staticExpected()));
        }
        cells.append(' ').append(goal(new TraceResult(result.trace(), result.zipf(), asL1)));
        line(cells.toString());
      }
      line("");
      List<String> ranges = new ArrayList<>();
      for (List<Simulator.VariantRow> variant : result.variants()) {
        double widest = 0;
        for (Simulator.VariantRow v : variant) {
          widest = Math.max(widest, v.l1Max() - v.l1Min());
        }
        ranges.add(
            String.format(Locale.ROOT, "`%s` %.1f", variant.get(0).variant().name(), 100 * widest));
      }
      line("Widest range over the runs of a cell, in points: " + String.join(", ", ranges) + ".");
      line("");
    }
    TraceResult first = results.get(0);
    line("### Caffeine internals (%s, end of the first run)", first.trace().name());
    line("");
    line(
        "Read by reflection (diagnostics only). *Aging period*: increments of the frequency sketch"
            + " between two halvings of its counters (10 x the capacity it was sized for; also the"
            + " hill climber's sample period), then as a multiple of the entries cached. *Window*:"
            + " the admission window's share of the maximum, as the hill climber left it (it"
            + " starts at 1%).");
    line("");
    line(header.replace(" goal |", ""));
    line(rule.substring(0, rule.length() - 4));
    for (List<Simulator.VariantRow> variant : first.variants()) {
      StringBuilder cells = new StringBuilder("| `" + variant.get(0).variant().name() + "` |");
      for (Simulator.VariantRow v : variant) {
        CaffeinePolicy.Internals in = v.internals();
        cells.append(
            String.format(
                Locale.ROOT,
                " %,d = %.1f x %,d entries; window %.1f%% |",
                in.sampleSize(),
                (double) in.sampleSize() / Math.max(1, in.entries()),
                in.entries(),
                100 * in.windowShare()));
      }
      line(cells.toString());
    }
    line("");
  }

  /** The goal column of a variant: MET, or where it is not met (gaps to two decimals). */
  private static String goal(TraceResult result) {
    if (met(result)) {
      return "MET |";
    }
    List<String> misses = new ArrayList<>();
    for (Row row : result.rows()) {
      if (result.zipf() && gapToStatic(row) < -STATIC_TOLERANCE) {
        misses.add(
            String.format(
                Locale.ROOT, "%s %+.2f", percent(row.fraction()), 100 * gapToStatic(row)));
      }
      if (gapToLru(row) <= 0) {
        misses.add(
            String.format(
                Locale.ROOT, "%s %+.2f vs LRU", percent(row.fraction()), 100 * gapToLru(row)));
      }
    }
    return "NOT MET: " + String.join(", ", misses) + " |";
  }

  /** Whether L1 meets the goal on the trace: see {@link #verdict}. */
  static boolean met(TraceResult result) {
    boolean nearStatic = result.rows().stream().allMatch(r -> gapToStatic(r) >= -STATIC_TOLERANCE);
    boolean aboveLru = result.rows().stream().allMatch(r -> gapToLru(r) > 0);
    return (!result.zipf() || nearStatic) && aboveLru;
  }

  private void setting(Catalogue catalogue, Trace first, int l1Runs, int threads, double seconds) {
    long[] trackBytes = new long[catalogue.tracks()];
    for (int t = 0; t < trackBytes.length; t++) {
      trackBytes[t] = catalogue.trackBytes(t);
    }
    Arrays.sort(trackBytes);
    line("# Cache policy simulation: byte hit ratios");
    line("");
    line(
        "Catalogue: %,d tracks of %.1f-%.1f MB (median %.1f MB), %,d chunks of %d KiB (the last"
            + " chunk of each track is shorter), %s in all; %,d albums of 8-14 consecutive tracks.",
        catalogue.tracks(),
        trackBytes[0] / 1e6,
        trackBytes[trackBytes.length - 1] / 1e6,
        trackBytes[trackBytes.length / 2] / 1e6,
        catalogue.chunks(),
        Catalogue.CHUNK_BYTES / 1024,
        size(catalogue.totalBytes()),
        catalogue.albums());
    line(
        "Every trace: %,d chunk accesses; the first %.0f%% (%,d) warm the caches and are not"
            + " counted, for every policy. A play reads a track from its first chunk: whole with"
            + " probability %.1f, otherwise a uniformly random shorter prefix (a skip).",
        first.length(), Traces.WARMUP * 100, first.warmup(), Traces.FULL_PLAY);
    line(
        "Hit ratios are byte hit ratios in percent, gaps in percentage points. Simulated in %.0f"
            + " s on %d threads.",
        seconds, threads);
    line("");
    line(
        "- **L1**: Caffeine %s (W-TinyLFU), maximumWeight + weigher (chunk bytes), executor"
            + " Runnable::run; getIfPresent, put on a miss. Caffeine admits a warm candidate at"
            + " random once in 128 (hash-flooding protection), so runs differ: each cell is the"
            + " mean of %d runs, their range under the table.",
        caffeineVersion(), l1Runs);
    line("- **LRU**: a LinkedHashMap in access order, bounded by bytes.");
    line(
        "- **static popularity**: the chunks most requested in the measured part of the trace,"
            + " greedily by count until full (greedy by count is the fractional-knapsack optimum"
            + " for the byte hit ratio). An oracle of this sample's frequencies; under each table"
            + " the same cache ranked by the generator's true probabilities instead.");
    line(
        "- **Bélády**: evict the chunk used again farthest in the future, the missed chunk"
            + " included (offline). Optimal for equal sizes; with the short last chunks a heuristic"
            + " upper bound.");
    line("");
  }

  private void table(Catalogue catalogue, TraceResult result) {
    Trace trace = result.trace();
    boolean[] seen = new boolean[catalogue.chunks()];
    long requested = 0;
    long distinct = 0;
    for (int t = trace.warmup(); t < trace.length(); t++) {
      int chunk = trace.chunks()[t];
      requested += catalogue.chunkBytes(chunk);
      if (!seen[chunk]) {
        seen[chunk] = true;
        distinct += catalogue.chunkBytes(chunk);
      }
    }
    line("## %s", trace.name());
    line("");
    line(
        "%s. Counted: %s requested, %s distinct (%.1f%% of the catalogue).",
        trace.description(),
        size(requested),
        size(distinct),
        100.0 * distinct / catalogue.totalBytes());
    line("");
    line(
        "| cache size | L1 (Caffeine W-TinyLFU) | LRU | static popularity | Bélády | L1 − static"
            + " | L1 − LRU |");
    line("|---|--:|--:|--:|--:|--:|--:|");
    for (Row row : result.rows()) {
      line(
          "| %s (%s) | %.1f%% | %.1f%% | %.1f%% | %.1f%% | %+.1f | %+.1f |",
          percent(row.fraction()),
          size(row.capacityBytes()),
          100 * row.l1(),
          100 * row.lru(),
          100 * row.staticPopularity(),
          100 * row.belady(),
          100 * (row.l1() - row.staticPopularity()),
          100 * (row.l1() - row.lru()));
    }
    line("");
    List<String> ranges = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (Row row : result.rows()) {
      ranges.add(
          String.format(
              Locale.ROOT,
              "%s %.1f-%.1f%%",
              percent(row.fraction()),
              100 * row.l1Min(),
              100 * row.l1Max()));
      expected.add(
          String.format(
              Locale.ROOT,
              "%s %.1f%% (L1 %+.1f)",
              percent(row.fraction()),
              100 * row.staticExpected(),
              100 * (row.l1() - row.staticExpected())));
    }
    line("L1 range over its runs: " + String.join(", ", ranges) + ".");
    line(
        "Static popularity by true probabilities, not this trace's counts: "
            + String.join(", ", expected)
            + ".");
    line("");
  }

  static String verdict(TraceResult result) {
    List<Row> rows = result.rows();
    Row worstStatic = Collections.min(rows, Comparator.comparingDouble(Report::gapToStatic));
    Row worstLru = Collections.min(rows, Comparator.comparingDouble(Report::gapToLru));
    Row worstExpected = Collections.min(rows, Comparator.comparingDouble(Report::gapToExpected));
    long belowStatic = rows.stream().filter(r -> gapToStatic(r) < -STATIC_TOLERANCE).count();
    long notAboveLru = rows.stream().filter(r -> gapToLru(r) <= 0).count();
    List<String> findings = new ArrayList<>();
    if (result.zipf()) {
      findings.add(
          belowStatic == 0
              ? "L1 within 2 points of static popularity at every size"
              : String.format(
                  Locale.ROOT,
                  "L1 more than 2 points below static popularity at %d of %d sizes",
                  belowStatic,
                  rows.size()));
    }
    findings.add(
        notAboveLru == 0
            ? "L1 above LRU at every size"
            : String.format(
                Locale.ROOT, "L1 not above LRU at %d of %d sizes", notAboveLru, rows.size()));
    boolean met = met(result);
    return String.format(
        Locale.ROOT,
        "**%s: %s**: %s. Lowest L1 − static %s, lowest L1 − LRU %s; against static popularity"
            + " by true probabilities, lowest L1 − static %s.%s",
        result.trace().name(),
        met ? "MET" : "NOT MET",
        String.join("; ", findings),
        at(gapToStatic(worstStatic), worstStatic),
        at(gapToLru(worstLru), worstLru),
        at(gapToExpected(worstExpected), worstExpected),
        result.zipf() ? "" : " (Static popularity is not part of the goal on this trace.)");
  }

  /** A gap, in points, and the cache size where it is. */
  private static String at(double gap, Row row) {
    return String.format(Locale.ROOT, "%+.1f points (%s)", 100 * gap, percent(row.fraction()));
  }

  private static double gapToStatic(Row row) {
    return row.l1() - row.staticPopularity();
  }

  private static double gapToExpected(Row row) {
    return row.l1() - row.staticExpected();
  }

  private static double gapToLru(Row row) {
    return row.l1() - row.lru();
  }

  private static String percent(double fraction) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * fraction);
  }

  /** Bytes in GiB (one decimal) or, under 1 GiB, in MiB. */
  static String size(long bytes) {
    double gib = bytes / (double) (1L << 30);
    return gib >= 1
        ? String.format(Locale.ROOT, "%.1f GiB", gib)
        : String.format(Locale.ROOT, "%.0f MiB", bytes / (double) (1L << 20));
  }

  private static String caffeineVersion() {
    String version = Caffeine.class.getPackage().getImplementationVersion();
    return version == null ? "" : version;
  }

  /** A line of text, formatted when there are arguments. */
  private void line(String format, Object... args) {
    out.append(args.length == 0 ? format : String.format(Locale.ROOT, format, args)).append('\n');
  }
}
