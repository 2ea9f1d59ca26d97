package dev.cadenza.stream.metadata;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: {@code /similar}'s search on catalogues of generated tracks embedded by the real
 * model. For each size, the same random queries answered (a) exactly, by 8-bit cosine against every
 * track, and (b) by binary codes (Hamming) then the nearest {@code candidates} re-ranked by 8-bit
 * cosine, which the service uses above {@code cadenza.metadata.exact-search-max-tracks}: time per
 * query (p50, p99), and recall@10 of (b) against (a) and against exact float cosine.
 *
 * <p>Run: {@code bench/similar-search.sh}, or {@code ./mvnw -q -B -o verify -pl stream-service -am
 * -Dtest=SimilarSearchBench -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true}. Settings
 * (system properties): {@code cadenza.bench.catalogues} (10000,100000), {@code
 * cadenza.bench.queries} (200), {@code cadenza.bench.candidates} (200), {@code cadenza.bench.seed}
 * (42). Embedding runs in batches of 32 to save time (vectors move slightly with their batch; it
 * does not matter for a search benchmark): 100k tracks take a few minutes on 2 cores.
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class SimilarSearchBench {

  static final int K = 10;

  @Test
  void searchTimeAndRecall() {
    int[] sizes =
        Arrays.stream(System.getProperty("cadenza.bench.catalogues", "10000,100000").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int queries = Integer.getInteger("cadenza.bench.queries", 200);
    int candidates = Integer.getInteger("cadenza.bench.candidates", 200);
    long seed = Long.getLong("cadenza.bench.seed", 42);
    int largest = Arrays.stream(sizes).max().orElseThrow();

    List<String> texts = GeneratedTracks.texts(largest, seed);
    List<float[]> vectors = new ArrayList<>(largest);
    long started = System.nanoTime();
    try (Embedder embedder =
        new Embedder(
            new MetadataSettings(true, 32, 2, 1, 64, 256, "", 10000, 200, Duration.ZERO),
            Embedder.MODEL,
            Embedder.TOKENIZER)) {
      for (int from = 0; from < largest; from += 4096) {
        vectors.addAll(embedder.embed(texts.subList(from, Math.min(largest, from + 4096))).join());
      }
    }
    double embedSeconds = (System.nanoTime() - started) / 1e9;

    StringBuilder report = new StringBuilder();
    report.append("# Similar-track search\n\n");
    report.append(
        String.format(
            Locale.ROOT,
            "%d generated tracks embedded in %.0f s (%.0f tracks/s, batches of 32); %d random"
                + " queries per catalogue, top-%d, %d candidates re-ranked; %d cores, Java %s.%n%n",
            largest,
            embedSeconds,
            largest / embedSeconds,
            queries,
            K,
            candidates,
            Runtime.getRuntime().availableProcessors(),
            Runtime.version()));
    report.append(
        "| tracks | exact p50 | exact p99 | codes+rerank p50 | codes+rerank p99 | recall@10 vs"
            + " exact 8-bit | recall@10 vs float |\n");
    report.append("|---|---|---|---|---|---|---|\n");
    for (int n : sizes) {
      List<Track> tracks = new ArrayList<>(n);
      Map<String, TrackVector> quantised = new HashMap<>();
      Map<String, float[]> floats = new HashMap<>();
      for (int i = 0; i < n; i++) {
        Track t =
            SimilarityIndexTest.track(String.format(Locale.ROOT, "gen/%06d.mp3", i), texts.get(i));
        tracks.add(t);
        quantised.put(t.id(), TrackVector.of(vectors.get(i)));
        floats.put(t.id(), vectors.get(i));
      }
      Catalog catalog = new Catalog(tracks);
      SimilarityIndex exact = SimilarityIndex.of(catalog, t -> quantised.get(t.id()), n, 1);
      SimilarityIndex codes =
          SimilarityIndex.of(catalog, t -> quantised.get(t.id()), 0, candidates);
      SplittableRandom random = new SplittableRandom(seed + n);
      List<Track> qs = new ArrayList<>();
      for (int i = 0; i < queries; i++) {
        qs.add(tracks.get(random.nextInt(n)));
      }
      // warm-up
      for (int i = 0; i < Math.min(50, queries); i++) {
        exact.similar(qs.get(i), K);
        codes.similar(qs.get(i), K);
      }
      long[] exactNs = new long[queries];
      long[] codesNs = new long[queries];
      double recallExact = 0;
      double recallFloat = 0;
      for (int i = 0; i < queries; i++) {
        Track q = qs.get(i);
        long t0 = System.nanoTime();
        var e = exact.similar(q, K).orElseThrow();
        long t1 = System.nanoTime();
        var c = codes.similar(q, K).orElseThrow();
        long t2 = System.nanoTime();
        exactNs[i] = t1 - t0;
        codesNs[i] = t2 - t1;
        Set<String> truth8 = new HashSet<>();
        e.tracks().forEach(s -> truth8.add(s.track().id()));
        Set<String> truthF = floatTop(q, tracks, floats);
        recallExact += c.tracks().stream().filter(s -> truth8.contains(s.track().id())).count();
        recallFloat += c.tracks().stream().filter(s -> truthF.contains(s.track().id())).count();
      }
      Arrays.sort(exactNs);
      Arrays.sort(codesNs);
      report.append(
          String.format(
              Locale.ROOT,
              "| %,d | %.2f ms | %.2f ms | %.2f ms | %.2f ms | %.3f | %.3f |%n",
              n,
              exactNs[queries / 2] / 1e6,
              exactNs[(int) (queries * 0.99)] / 1e6,
              codesNs[queries / 2] / 1e6,
              codesNs[(int) (queries * 0.99)] / 1e6,
              recallExact / (queries * K),
              recallFloat / (queries * K)));
    }
    System.out.println(report);
  }

  private static Set<String> floatTop(Track q, List<Track> tracks, Map<String, float[]> floats) {
    float[] v = floats.get(q.id());
    int n = tracks.size();
    double[] sim = new double[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      sim[i] =
          tracks.get(i).id().equals(q.id())
              ? -2
              : BinaryCodes.cosine(v, floats.get(tracks.get(i).id()));
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(sim[b], sim[a]));
    Set<String> top = new HashSet<>();
    for (int i = 0; i < K; i++) {
      top.add(tracks.get(order[i]).id());
    }
    return top;
  }
}
