package dev.cadenza.protocol.catalog;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the format's primitives from untrusted bytes. Every read checks the bytes that remain
 * before the current limit, and every length or count is checked before anything is allocated for
 * it, so a hostile input costs at most a small multiple of its own size.
 */
final class WireReader {

  private final byte[] buf;
  private int pos;
  private int limit;

  WireReader(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.limit = offset + length;
  }

  int position() {
    return pos;
  }

  int remaining() {
    return limit - pos;
  }

  /** Restricts reads to the next {@code length} bytes; returns the limit to restore. */
  int pushLimit(int length) {
    int previous = limit;
    limit = pos + length;
    return previous;
  }

  /** Skips what is left before the current limit (fields this decoder does not know). */
  void skipToLimit() {
    pos = limit;
  }

  void popLimit(int previous) {
    limit = previous;
  }

  CatalogFormatException error(String reason) {
    return new CatalogFormatException(reason, pos);
  }

  int readByte(String what) throws CatalogFormatException {
    if (pos >= limit) {
      throw error("truncated: " + what + " missing");
    }
    return buf[pos++] & 0xFF;
  }

  long readVarint(String what) throws CatalogFormatException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte(what);
      if (shift == 63 && b > 1) {
        throw error("varint overflows 64 bits in " + what);
      }
      value |= (long) (b & 0x7F) << shift;
      if (b < 0x80) {
        return value;
      }
    }
    throw error("varint longer than 10 bytes in " + what);
  }

  /** An unsigned varint that must be at most {@code max}. */
  int readUnsigned(String what, int max) throws CatalogFormatException {
    int start = pos;
    long value = readVarint(what);
    if (value < 0 || value > max) {
      throw new CatalogFormatException(
          what + " is " + Long.toUnsignedString(value) + ", more than the limit of " + max, start);
    }
    return (int) value;
  }

  /**
   * A count of items that each take at least one byte: more than the bytes that remain cannot be
   * true, so the caller may allocate for it.
   */
  int readCount(String what, int max) throws CatalogFormatException {
    int start = pos;
    int count = readUnsigned(what, max);
    if (count > remaining()) {
      throw new CatalogFormatException(
          "truncated or corrupt: "
              + what
              + " declared as "
              + count
              + " but only "
              + remaining()
              + " bytes remain",
          start);
    }
    return count;
  }

  long readZigzag(String what) throws CatalogFormatException {
    long raw = readVarint(what);
    return (raw >>> 1) ^ -(raw & 1);
  }

  int readZigzagInt(String what) throws CatalogFormatException {
    int start = pos;
    long raw = readVarint(what);
    if ((raw >>> 32) != 0) {
      throw new CatalogFormatException(what + " does not fit 32 bits", start);
    }
    return (int) (raw >>> 1) ^ -(int) (raw & 1);
  }

  byte[] readBytes(String what, int length) throws CatalogFormatException {
    requireRemaining(what, length);
    byte[] bytes = new byte[length];
    System.arraycopy(buf, pos, bytes, 0, length);
    pos += length;
    return bytes;
  }

  /** A text as {@link WireWriter#writeText} writes it. */
  String readText(String what) throws CatalogFormatException {
    int header = readUnsigned(what, CatalogFormat.MAX_STRING_BYTES + 1);
    if (header == 0) {
      requireRemaining(what, CatalogFormat.RAW_ID_BYTES);
      String id = RawIds.encode(buf, pos);
      pos += CatalogFormat.RAW_ID_BYTES;
      return id;
    }
    int length = header - 1;
    requireRemaining(what, length);
    String text = new String(buf, pos, length, StandardCharsets.UTF_8);
    // The lenient decoder above is the fast path; a replacement character in its result means
    // either a real U+FFFD or malformed bytes, and only the strict decoder tells which.
    if (text.indexOf('\uFFFD') >= 0) {
      requireWellFormedUtf8(what, length);
    }
    pos += length;
    return text;
  }

  private void requireWellFormedUtf8(String what, int length) throws CatalogFormatException {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, pos, length));
    } catch (CharacterCodingException e) {
      throw error(what + " is not well-formed UTF-8");
    }
  }

  private void requireRemaining(String what, int length) throws CatalogFormatException {
    if (length > remaining()) {
      throw error(
          "truncated: " + what + " needs " + length + " bytes but " + remaining() + " remain");
    }
  }
}
