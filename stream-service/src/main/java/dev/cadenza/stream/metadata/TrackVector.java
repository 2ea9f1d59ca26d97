package dev.cadenza.stream.metadata;

import java.util.Arrays;

/**
 * A track's embedding as stored and searched: the unit vector quantised to one signed byte per
 * dimension with one scale ({@code x ≈ values[i] × scale}), 384 bytes for this model instead of
 * 1,536, and its binary code (one sign bit per dimension, {@link BinaryCodes}). The code is taken
 * from the quantised values, so every pod derives the same code from the same stored item.
 */
public final class TrackVector {

  private final byte[] values;
  private final float scale;
  private final long[] codeWords;
  private final int codeBytes;
  private final double norm;

  private TrackVector(byte[] values, float scale) {
    this.values = values;
    this.scale = scale;
    long squares = 0;
    for (byte b : values) {
      squares += b * b;
    }
    this.norm = Math.sqrt(squares);
    this.codeBytes = BinaryCodes.bytes(values.length);
    this.codeWords = signWords(values);
  }

  /** Quantises a vector: the largest magnitude maps to ±127. */
  public static TrackVector of(float[] vector) {
    float max = 0;
    for (float x : vector) {
      if (!Float.isFinite(x)) {
        throw new IllegalArgumentException("vector has a non-finite value");
      }
      max = Math.max(max, Math.abs(x));
    }
    float scale = max == 0 ? 1f : max / 127f;
    byte[] values = new byte[vector.length];
    for (int i = 0; i < vector.length; i++) {
      values[i] = (byte) Math.round(vector[i] / scale);
    }
    return new TrackVector(values, scale);
  }

  /** A stored vector; fails on an empty one or a scale that is not a positive finite number. */
  public static TrackVector of(byte[] values, float scale) {
    if (values.length == 0 || !(scale > 0) || !Float.isFinite(scale)) {
      throw new IllegalArgumentException(
          "not a stored vector: " + values.length + " values, scale " + scale);
    }
    return new TrackVector(values.clone(), scale);
  }

  public int dimensions() {
    return values.length;
  }

  public byte[] values() {
    return values.clone();
  }

  public float scale() {
    return scale;
  }

  /** The binary code, {@link BinaryCodes#bytes} of the dimensions. */
  public byte[] code() {
    byte[] code = new byte[codeBytes];
    for (int i = 0; i < codeBytes; i++) {
      code[i] = (byte) (codeWords[i >>> 3] >>> (8 * (i & 7)));
    }
    return code;
  }

  /** Cosine similarity of the two quantised vectors. */
  public double cosine(TrackVector other) {
    byte[] a = values;
    byte[] b = other.values;
    if (a.length != b.length) {
      throw new IllegalArgumentException(
          "vectors of " + a.length + " and " + b.length + " dimensions");
    }
    int dot = 0; // at most 384 × 127², well inside an int
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
    }
    return norm == 0 || other.norm == 0 ? 0 : dot / (norm * other.norm);
  }

  /** The code as 64-bit words, for an index to copy into one contiguous array. */
  long[] codeWords() {
    return codeWords.clone();
  }

  /**
   * {@link BinaryCodes#encode} of the values, packed as {@link #code()} unpacks it (byte {@code b}
   * of the code at bits {@code 8 × (b mod 8)} of word {@code b / 8}), straight from the bytes: no
   * float copy of every vector (1.5 KB each, 150 MB of garbage for 100,000 saved vectors at start).
   */
  private static long[] signWords(byte[] values) {
    long[] words = new long[(BinaryCodes.bytes(values.length) + 7) / 8];
    for (int i = 0; i < values.length; i++) {
      if (values[i] > 0) {
        int b = i >>> 3; // the code's byte; its most significant bit is the first dimension
        words[b >>> 3] |= 1L << (8 * (b & 7) + 7 - (i & 7));
      }
    }
    return words;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TrackVector v && v.scale == scale && Arrays.equals(v.values, values);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(values) + Float.hashCode(scale);
  }
}
