package dev.cadenza.protocol.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The stream service's ids are 16 base64url characters, i.e. exactly 12 bytes with no padding bits,
 * so every such string converts to 12 bytes and back unchanged. The format stores them raw.
 */
final class RawIds {

  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".toCharArray();

  private static final int[] VALUES = new int[128];

  static {
    Arrays.fill(VALUES, -1);
    for (int i = 0; i < ALPHABET.length; i++) {
      VALUES[ALPHABET[i]] = i;
    }
  }

  private RawIds() {}

  static boolean isRawId(String text) {
    if (text.length() != CatalogFormat.ID_CHARS) {
      return false;
    }
    for (int i = 0; i < CatalogFormat.ID_CHARS; i++) {
      char c = text.charAt(i);
      if (c >= 128 || VALUES[c] < 0) {
        return false;
      }
    }
    return true;
  }

  /** Writes the 12 bytes of an id that {@link #isRawId} accepted. */
  static void decodeInto(String id, byte[] out, int offset) {
    for (int group = 0; group < 4; group++) {
      int bits = 0;
      for (int i = 0; i < 4; i++) {
        bits = (bits << 6) | VALUES[id.charAt(group * 4 + i)];
      }
      out[offset++] = (byte) (bits >>> 16);
      out[offset++] = (byte) (bits >>> 8);
      out[offset++] = (byte) bits;
    }
  }

  /** The id whose 12 bytes start at {@code offset}. */
  static String encode(byte[] in, int offset) {
    byte[] chars = new byte[CatalogFormat.ID_CHARS];
    int c = 0;
    for (int group = 0; group < 4; group++) {
      int bits = (in[offset++] & 0xFF) << 16 | (in[offset++] & 0xFF) << 8 | (in[offset++] & 0xFF);
      chars[c++] = (byte) ALPHABET[bits >>> 18];
      chars[c++] = (byte) ALPHABET[(bits >>> 12) & 0x3F];
      chars[c++] = (byte) ALPHABET[(bits >>> 6) & 0x3F];
      chars[c++] = (byte) ALPHABET[bits & 0x3F];
    }
    return new String(chars, StandardCharsets.ISO_8859_1);
  }
}
