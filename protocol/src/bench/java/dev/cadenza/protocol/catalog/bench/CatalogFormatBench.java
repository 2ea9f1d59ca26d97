package dev.cadenza.protocol.catalog.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.catalog.CatalogCodec;
import dev.cadenza.protocol.catalog.CatalogFormatException;
import dev.cadenza.protocol.catalog.CatalogPage;
import dev.cadenza.protocol.catalog.TrackEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Bytes and decode time of the compact catalogue format against JSON (Jackson 3), JSON+gzip,
 * Protocol Buffers and Protocol Buffers+gzip, on generated catalogues (not a test: run by
 * bench/catalog-format.sh). Ratios are against JSON+gzip and Protocol Buffers+gzip measured in the
 * same run; the goals are issue 6's: compact pages smaller than Protocol Buffers+gzip and decoded
 * at least 3× faster than JSON.
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class CatalogFormatBench {

  private static final long SEED = Long.getLong("cadenza.bench.seed", 42);
  private static final int ROUNDS = Integer.getInteger("cadenza.bench.rounds", 15);
  private static final int WARMUP_ROUNDS = Integer.getInteger("cadenza.bench.warmupRounds", 8);
  private static final List<Integer> CATALOGUES =
      Arrays.stream(System.getProperty("cadenza.bench.catalogues", "1000,10000,100000").split(","))
          .map(String::trim)
          .map(Integer::valueOf)
          .toList();
  private static final int WARMUP_TRACKS = 1_000_000;
  private static final int ROUND_TRACKS = 50_000;
  private static final int WHOLE = 0;
  private static final int[] PAGE_SIZES = {50, 500, WHOLE};

  private static volatile long sink;

  private final JsonBaseline json = new JsonBaseline();
  private final ProtobufBaseline protobuf = new ProtobufBaseline();
  private final StringBuilder report = new StringBuilder();
  private final List<String> verdicts = new ArrayList<>();

  @Test
  void compactFormatAgainstJsonAndProtobuf() throws Exception {
    line("# Compact catalogue format: bytes and decode time");
    line("");
    line(
        "Seed %d; catalogues of %s generated tracks in path order. Decode time: the median of %d"
            + " measured rounds, each decoding every page of the catalogue (repeated up to %,d"
            + " tracks), after at least %d warm-up rounds and %,d decoded tracks per decoder."
            + " gzip at its default level. JVM %s, %d processors.",
        SEED,
        CATALOGUES,
        ROUNDS,
        ROUND_TRACKS,
        WARMUP_ROUNDS,
        WARMUP_TRACKS,
        System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors());
    for (boolean codes : new boolean[] {true, false}) {
      line("");
      line(
          codes
              ? "## Bytes per page, with 48-byte embedding codes"
              : "## Bytes per page, without embedding codes");
      line("");
      line(
          "| tracks | page | compact | compact+gzip | JSON | JSON+gzip | protobuf | protobuf+gzip"
              + " | compact ÷ JSON+gzip | compact ÷ protobuf+gzip |");
      line("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      for (int catalogue : CATALOGUES) {
        List<TrackEntry> tracks = GeneratedCatalog.generate(catalogue, SEED);
        if (!codes) {
          tracks = tracks.stream().map(CatalogFormatBench::withoutCode).toList();
        }
        for (int pageSize : PAGE_SIZES) {
          sizes(catalogue, pageSize, pages(tracks, pageSize));
        }
      }
    }
    line("");
    line("## Decode time per page (with embedding codes)");
    line("");
    line(
        "| tracks | page | compact µs | JSON µs | protobuf µs | compact ns/track"
            + " | JSON ÷ compact | protobuf ÷ compact |");
    line("|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (int catalogue : CATALOGUES) {
      List<TrackEntry> tracks = GeneratedCatalog.generate(catalogue, SEED);
      for (int pageSize : PAGE_SIZES) {
        times(catalogue, pageSize, pages(tracks, pageSize));
      }
    }
    line("");
    line("## Verdict");
    line("");
    verdicts.forEach(v -> line("- %s", v));
    System.out.print(report);
  }

  private void sizes(int catalogue, int pageSize, List<CatalogPage> pages) {
    List<byte[]> compact = encodeAll(pages, CatalogCodec::encode);
    List<byte[]> jsonPages = encodeAll(pages, json::encode);
    List<byte[]> proto = encodeAll(pages, protobuf::encode);
    double c = mean(compact);
    double cz = mean(gzipAll(compact));
    double j = mean(jsonPages);
    double jz = mean(gzipAll(jsonPages));
    double p = mean(proto);
    double pz = mean(gzipAll(proto));
    line(
        "| %,d | %s | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %,.0f | %.2f | %.2f |",
        catalogue, label(pageSize), c, cz, j, jz, p, pz, c / jz, c / pz);
    boolean withCodes = pages.get(0).tracks().get(0).embeddingCode() != null;
    verdicts.add(
        String.format(
            Locale.ROOT,
            "%s: %,d tracks, page %s, %s codes: compact %,.0f B vs protobuf+gzip %,.0f B (%.2f×)",
            c < pz ? "smaller" : "NOT smaller",
            catalogue,
            label(pageSize),
            withCodes ? "with" : "without",
            c,
            pz,
            c / pz));
  }

  private void times(int catalogue, int pageSize, List<CatalogPage> pages)
      throws CatalogFormatException {
    List<byte[]> compact = encodeAll(pages, CatalogCodec::encode);
    List<byte[]> jsonPages = encodeAll(pages, json::encode);
    List<byte[]> proto = encodeAll(pages, protobuf::encode);
    // the three decoders agree with the pages they were given
    assertThat(CatalogCodec.decode(compact.get(0))).isEqualTo(pages.get(0));
    assertThat(json.decode(jsonPages.get(0))).isEqualTo(pages.get(0));
    assertThat(protobuf.decode(proto.get(0))).isEqualTo(pages.get(0));

    double c = medianNanos(compact, catalogue, CatalogFormatBench::decodeCompact) / pages.size();
    double j = medianNanos(jsonPages, catalogue, json::decode) / pages.size();
    double p = medianNanos(proto, catalogue, protobuf::decode) / pages.size();
    int tracksPerPage = catalogue / pages.size();
    line(
        "| %,d | %s | %,.1f | %,.1f | %,.1f | %,.0f | %.1f× | %.1f× |",
        catalogue, label(pageSize), c / 1e3, j / 1e3, p / 1e3, c / tracksPerPage, j / c, p / c);
    verdicts.add(
        String.format(
            Locale.ROOT,
            "%s: %,d tracks, page %s: compact decodes %.1f× faster than JSON",
            j / c >= 3 ? "≥ 3× faster" : "NOT 3× faster",
            catalogue,
            label(pageSize),
            j / c));
  }

  private static CatalogPage decodeCompact(byte[] bytes) {
    try {
      return CatalogCodec.decode(bytes);
    } catch (CatalogFormatException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The median, over measured rounds, of the time to decode every page once. The JIT is warmed on
   * at least {@link #WARMUP_TRACKS} decoded tracks first, and a round repeats the pages until it
   * has decoded {@link #ROUND_TRACKS}, so that small catalogues are not timed cold or in slivers
   * too short for the clock.
   */
  private static double medianNanos(
      List<byte[]> pages, int tracksPerPass, Function<byte[], CatalogPage> decoder) {
    int passes = Math.max(1, ROUND_TRACKS / tracksPerPass);
    int warmup = Math.max(WARMUP_ROUNDS, WARMUP_TRACKS / (tracksPerPass * passes));
    long[] rounds = new long[ROUNDS];
    for (int r = -warmup; r < ROUNDS; r++) {
      long start = System.nanoTime();
      long tracks = 0;
      for (int pass = 0; pass < passes; pass++) {
        for (byte[] page : pages) {
          tracks += decoder.apply(page).tracks().size();
        }
      }
      long elapsed = System.nanoTime() - start;
      sink += tracks;
      if (r >= 0) {
        rounds[r] = elapsed / passes;
      }
    }
    Arrays.sort(rounds);
    return rounds[ROUNDS / 2];
  }

  private static List<CatalogPage> pages(List<TrackEntry> tracks, int pageSize) {
    int size = pageSize == WHOLE ? tracks.size() : pageSize;
    List<CatalogPage> pages = new ArrayList<>();
    for (int from = 0; from < tracks.size(); from += size) {
      List<TrackEntry> items = tracks.subList(from, Math.min(tracks.size(), from + size));
      boolean last = from + size >= tracks.size();
      // the service's cursor names the last item sent
      pages.add(new CatalogPage(items, last ? null : items.get(items.size() - 1).id()));
    }
    return pages;
  }

  private static TrackEntry withoutCode(TrackEntry t) {
    return t.withEmbeddingCode(null);
  }

  private static List<byte[]> encodeAll(
      List<CatalogPage> pages, Function<CatalogPage, byte[]> encoder) {
    return pages.stream().map(encoder).toList();
  }

  private static List<byte[]> gzipAll(List<byte[]> pages) {
    return pages.stream().map(CatalogFormatBench::gzip).toList();
  }

  private static byte[] gzip(byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
        gzip.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static double mean(List<byte[]> pages) {
    return pages.stream().mapToInt(b -> b.length).average().orElse(0);
  }

  private static String label(int pageSize) {
    return pageSize == WHOLE ? "whole" : String.valueOf(pageSize);
  }

  private void line(String format, Object... args) {
    report.append(String.format(Locale.ROOT, format, args)).append('\n');
  }
}
