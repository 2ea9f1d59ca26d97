package dev.cadenza.protocol.catalog;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer with the primitives of the format: varints, zigzag and texts. */
final class WireWriter {

  private byte[] buf;
  private int size;

  WireWriter(int initialCapacity) {
    buf = new byte[Math.max(16, initialCapacity)];
  }

  int size() {
    return size;
  }

  void reset() {
    size = 0;
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  void writeByte(int b) {
    ensure(1);
    buf[size++] = (byte) b;
  }

  void writeBytes(byte[] bytes) {
    writeBytes(bytes, 0, bytes.length);
  }

  void writeBytes(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buf, size, length);
    size += length;
  }

  void writeTo(WireWriter other) {
    other.writeBytes(buf, 0, size);
  }

  /** An unsigned LEB128 varint: 7 bits a byte, low bits first. */
  void writeVarint(long value) {
    ensure(10);
    while ((value & ~0x7FL) != 0) {
      buf[size++] = (byte) ((value & 0x7F) | 0x80);
      value >>>= 7;
    }
    buf[size++] = (byte) value;
  }

  /** Signed values zigzag-coded first, so that small negative numbers stay short. */
  void writeZigzag(long value) {
    writeVarint((value << 1) ^ (value >> 63));
  }

  /**
   * A text: an id-shaped string (16 base64url characters) as its 12 raw bytes behind a 0 header,
   * any other string as header {@code n + 1} and its {@code n} UTF-8 bytes.
   */
  void writeText(String text) {
    if (RawIds.isRawId(text)) {
      writeVarint(0);
      ensure(CatalogFormat.RAW_ID_BYTES);
      RawIds.decodeInto(text, buf, size);
      size += CatalogFormat.RAW_ID_BYTES;
      return;
    }
    requireWellFormed(text);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > CatalogFormat.MAX_STRING_BYTES) {
      throw new IllegalArgumentException(
          "a text of "
              + utf8.length
              + " UTF-8 bytes exceeds the format's limit of "
              + CatalogFormat.MAX_STRING_BYTES);
    }
    writeVarint(utf8.length + 1L);
    writeBytes(utf8);
  }

  // getBytes would silently turn a lone surrogate into '?': the page would not round-trip.
  private static void requireWellFormed(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("a lone surrogate at index " + i + " cannot be UTF-8");
      }
    }
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
