package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How well 48-byte sign codes keep the nearest neighbours of real embeddings: recall@10 of the code
 * search against exact cosine top-10, over 500 generated track texts, every track a query. Quality
 * floors, not timings; the measured figures are printed and quoted in docs/metadata.md.
 */
class BinaryCodesRecallTest {

  static final int TRACKS = 500;
  static final long SEED = 42;
  static final int K = 10;

  static float[][] vectors;
  static byte[][] codes;

  @BeforeAll
  static void embed() {
    try (Embedder embedder = Embedder.start(MetadataSettings.defaults())) {
      List<float[]> list = embedder.embed(GeneratedTracks.texts(TRACKS, SEED)).join();
      vectors = list.toArray(float[][]::new);
    }
    codes = Arrays.stream(vectors).map(BinaryCodes::encode).toArray(byte[][]::new);
  }

  @AfterAll
  static void free() {
    vectors = null;
    codes = null;
  }

  @Test
  void hammingTop10FindsMostOfTheExactTop10() {
    double recall = recall(0);
    System.out.printf(Locale.ROOT, "recall@10 of Hamming top-10: %.3f%n", recall);
    assertThat(recall).isGreaterThan(0.75); // 0.847 measured
  }

  @Test
  void hammingTop50RerankedByCosineFindsNearlyAllOfTheExactTop10() {
    double recall = recall(50);
    System.out.printf(
        Locale.ROOT, "recall@10 of Hamming top-50 re-ranked by cosine: %.3f%n", recall);
    assertThat(recall).isGreaterThan(0.97); // 1.000 measured
  }

  @Test
  void hammingTop20RerankedByCosineFindsAlmostAllOfTheExactTop10() {
    double recall = recall(20);
    System.out.printf(
        Locale.ROOT, "recall@10 of Hamming top-20 re-ranked by cosine: %.3f%n", recall);
    assertThat(recall).isGreaterThan(0.9);
  }

  /** Mean recall@10 over all queries; {@code shortList} 0 takes the code ranking as it is. */
  static double recall(int shortList) {
    int found = 0;
    for (int q = 0; q < vectors.length; q++) {
      int[] exact = exactTop(q);
      int[] approximate =
          shortList == 0
              ? BinaryCodes.nearest(codes[q], codes, K, q)
              : BinaryCodes.rerank(
                  vectors[q], vectors, BinaryCodes.nearest(codes[q], codes, shortList, q), K);
      for (int i : approximate) {
        for (int e : exact) {
          found += i == e ? 1 : 0;
        }
      }
    }
    return found / (double) (K * vectors.length);
  }

  private static int[] exactTop(int q) {
    int[] all = new int[vectors.length];
    Arrays.setAll(all, i -> i);
    int[] others = Arrays.stream(all).filter(i -> i != q).toArray();
    return BinaryCodes.rerank(vectors[q], vectors, others, K);
  }
}
