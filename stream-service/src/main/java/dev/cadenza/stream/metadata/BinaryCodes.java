package dev.cadenza.stream.metadata;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Compact codes for embeddings: one sign bit per dimension (384 dimensions → 48 bytes, 1/32 of the
 * floats), compared by Hamming distance. For unit vectors the share of differing bits estimates the
 * angle between them, so near codes mean near tracks; a short list found by codes can be re-ranked
 * by exact cosine when the vectors are at hand. docs/metadata.md gives the measured recall.
 */
public final class BinaryCodes {

  private BinaryCodes() {}

  /** Bytes of the code of a {@code dimensions}-dimensional vector. */
  public static int bytes(int dimensions) {
    return (dimensions + 7) / 8;
  }

  /** Bit {@code i} (of byte {@code i / 8}, most significant first) is set when {@code v[i] > 0}. */
  public static byte[] encode(float[] v) {
    byte[] code = new byte[bytes(v.length)];
    for (int i = 0; i < v.length; i++) {
      if (v[i] > 0) {
        code[i >>> 3] |= (byte) (0x80 >>> (i & 7));
      }
    }
    return code;
  }

  /** Bits in which two codes of the same length differ. */
  public static int hamming(byte[] a, byte[] b) {
    if (a.length != b.length) {
      throw new IllegalArgumentException("codes of " + a.length + " and " + b.length + " bytes");
    }
    int d = 0;
    for (int i = 0; i < a.length; i++) {
      d += Integer.bitCount((a[i] ^ b[i]) & 0xff);
    }
    return d;
  }

  /**
   * Indexes of the {@code k} codes nearest to {@code query}, nearest first (ties by index), leaving
   * out {@code exclude} (the query's own index, or -1).
   */
  public static int[] nearest(byte[] query, byte[][] codes, int k, int exclude) {
    int[] distance = new int[codes.length];
    for (int i = 0; i < codes.length; i++) {
      distance[i] = hamming(query, codes[i]);
    }
    return IntStream.range(0, codes.length)
        .filter(i -> i != exclude)
        .boxed()
        .sorted(Comparator.<Integer>comparingInt(i -> distance[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** The {@code k} of {@code candidates} most similar to {@code query} by exact cosine. */
  public static int[] rerank(float[] query, float[][] vectors, int[] candidates, int k) {
    double[] similarity = new double[vectors.length];
    for (int i : candidates) {
      similarity[i] = cosine(query, vectors[i]);
    }
    return Arrays.stream(candidates)
        .boxed()
        .sorted(Comparator.<Integer>comparingDouble(i -> -similarity[i]).thenComparingInt(i -> i))
        .limit(k)
        .mapToInt(Integer::intValue)
        .toArray();
  }

  /** Cosine similarity; for the embedder's unit vectors the dot product. */
  public static double cosine(float[] a, float[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    return dot / Math.sqrt(na * nb);
  }
}
