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
    float[] signs = new float[values.length];
    for (int i = 0; i < values.length; i++) {
      signs[i] = values[i];
    }
    byte[] code = BinaryCodes.encode(signs);
    this.codeBytes = code.length;
    this.codeWords = words(code);
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

  private static long[] words(byte[] code) {
    long[] words = new long[(code.length + 7) / 8];
    for (int i = 0; i < code.length; i++) {
      words[i >>> 3] |= (code[i] & 0xffL) << (8 * (i & 7));
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
