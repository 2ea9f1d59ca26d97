package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import dev.cadenza.stream.library.AudioFormat;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.FileTags;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The similarity index over real embeddings of 1,000 generated track texts: quantised vectors keep
 * the float vectors' neighbours, and the code search of large catalogues finds nearly all of the
 * exact top-10. Quality floors, not timings; the figures are printed and quoted in
 * docs/metadata.md.
 */
class SimilarityIndexTest {

  static final int TRACKS = 1000;
  static final int K = 10;

  static List<Track> tracks;
  static Map<String, float[]> floats;
  static Map<String, TrackVector> quantised;
  static Catalog catalog;

  @BeforeAll
  static void embed() {
    List<String> texts = GeneratedTracks.texts(TRACKS, 7);
    List<float[]> vectors;
    try (Embedder embedder = Embedder.start(MetadataSettings.defaults())) {
      vectors = embedder.embed(texts).join();
    }
    tracks = new ArrayList<>();
    floats = new HashMap<>();
    quantised = new HashMap<>();
    for (int i = 0; i < TRACKS; i++) {
      Track t = track(String.format(Locale.ROOT, "gen/%04d.mp3", i), texts.get(i));
      tracks.add(t);
      floats.put(t.id(), vectors.get(i));
      quantised.put(t.id(), TrackVector.of(vectors.get(i)));
    }
    catalog = new Catalog(tracks);
  }

  @AfterAll
  static void free() {
    TRUTH.clear();
    tracks = null;
    floats = null;
    quantised = null;
    catalog = null;
  }

  static Track track(String path, String title) {
    FileTags tags =
        new FileTags(
            TrackTags.builder().title(title).durationMs(1000L).build(),
            AudioProperties.NONE,
            false);
    return new Track(
        Ids.track(path),
        path,
        Path.of("/library").resolve(path),
        AudioFormat.MP3,
        new FileVersion(1, Instant.EPOCH, Instant.EPOCH, 1),
        tags);
  }

  @Test
  void quantisedVectorsKeepTheCosineOfTheFloats() {
    double worst = 0;
    for (int i = 0; i < 200; i++) {
      for (int j = i + 1; j < 200; j++) {
        String a = tracks.get(i).id();
        String b = tracks.get(j).id();
        double exact = BinaryCodes.cosine(floats.get(a), floats.get(b));
        worst = Math.max(worst, Math.abs(exact - quantised.get(a).cosine(quantised.get(b))));
      }
    }
    System.out.printf(Locale.ROOT, "largest cosine error of 8-bit vectors: %.4f%n", worst);
    assertThat(worst).isLessThan(0.01);
  }

  @Test
  void theExactSearchOfQuantisedVectorsFindsTheFloatTop10() {
    SimilarityIndex exact = SimilarityIndex.of(catalog, t -> quantised.get(t.id()), TRACKS, 1);
    double recall = recall(exact, SimilarityIndex.Method.EXACT);
    System.out.printf(Locale.ROOT, "recall@10 of the exact 8-bit search: %.3f%n", recall);
    assertThat(recall).isGreaterThan(0.97);
  }

  @Test
  void theCodeSearchWithReRankingFindsNearlyAllOfTheFloatTop10() {
    for (int candidates : new int[] {20, 50, 100}) {
      SimilarityIndex codes =
          SimilarityIndex.of(catalog, t -> quantised.get(t.id()), 0, candidates);
      double recall = recall(codes, SimilarityIndex.Method.CODES);
      System.out.printf(
          Locale.ROOT,
          "recall@10 of codes, top-%d re-ranked by 8-bit cosine: %.3f%n",
          candidates,
          recall);
      if (candidates >= 50) {
        assertThat(recall).isGreaterThan(0.95);
      }
    }
  }

  @Test
  void leavesTheQueryOutAndAnswersOnlyForTracksItHoldsWithTheSameMetadata() {
    SimilarityIndex index = SimilarityIndex.of(catalog, t -> quantised.get(t.id()), TRACKS, 1);
    Track query = tracks.get(3);
    var all = index.similar(query, TRACKS * 2).orElseThrow().tracks();
    assertThat(all).hasSize(TRACKS - 1);
    assertThat(all).extracting(s -> s.track().id()).doesNotContain(query.id());
    assertThat(all)
        .extracting(ScoredTrack::similarity)
        .isSortedAccordingTo(Comparator.reverseOrder());

    Track retagged = track(query.path(), "something else entirely");
    assertThat(index.similar(retagged, 5)).isEmpty();
    assertThat(index.vector(retagged)).isEmpty();
    assertThat(index.similar(track("gen/none.mp3", "x"), 5)).isEmpty();

    // a catalogue without vectors for some tracks leaves them out of answers too
    SimilarityIndex half =
        SimilarityIndex.of(
            catalog, t -> t.path().compareTo("gen/0500") < 0 ? quantised.get(t.id()) : null, 0, 50);
    assertThat(half.size()).isEqualTo(500);
    assertThat(half.similar(query, 600).orElseThrow().tracks())
        .allSatisfy(s -> assertThat(s.track().path()).isLessThan("gen/0500"));
  }

  @Test
  void storedVectorsAreChecked() {
    assertThatThrownBy(() -> TrackVector.of(new byte[0], 1f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrackVector.of(new byte[4], 0f))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrackVector.of(new byte[4], Float.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> TrackVector.of(new float[] {1f, Float.POSITIVE_INFINITY}))
        .isInstanceOf(IllegalArgumentException.class);
    TrackVector v = quantised.get(tracks.get(0).id());
    assertThat(TrackVector.of(v.values(), v.scale())).isEqualTo(v);
    assertThat(v.code()).hasSize(48);
    byte[] values = v.values();
    float[] asFloats = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      asFloats[i] = values[i];
    }
    assertThat(v.code()).isEqualTo(BinaryCodes.encode(asFloats));
    assertThat(v.cosine(v)).isCloseTo(1.0, Offset.offset(1e-9));
  }

  /** Mean share of the float top-10 found by the index's top-10, every track a query. */
  static double recall(SimilarityIndex index, SimilarityIndex.Method expected) {
    double sum = 0;
    for (Track q : tracks) {
      Set<String> truth = truth(q);
      SimilarityIndex.Result r = index.similar(q, K).orElseThrow();
      assertThat(r.method()).isEqualTo(expected);
      sum += r.tracks().stream().filter(s -> truth.contains(s.track().id())).count() / (double) K;
    }
    return sum / TRACKS;
  }

  static final Map<String, Set<String>> TRUTH = new HashMap<>();

  /** The exact top-10 of the float vectors. */
  static Set<String> truth(Track q) {
    return TRUTH.computeIfAbsent(
        q.id(),
        id -> {
          float[] v = floats.get(id);
          double[] sim = new double[TRACKS];
          for (int i = 0; i < TRACKS; i++) {
            sim[i] = BinaryCodes.cosine(v, floats.get(tracks.get(i).id()));
          }
          Set<String> top = new HashSet<>();
          IntStream.range(0, TRACKS)
              .filter(i -> !tracks.get(i).id().equals(id))
              .boxed()
              .sorted(Comparator.comparingDouble(i -> -sim[i]))
              .limit(K)
              .forEach(i -> top.add(tracks.get(i).id()));
          return top;
        });
  }
}
