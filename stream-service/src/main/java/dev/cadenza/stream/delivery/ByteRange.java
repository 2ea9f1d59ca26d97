package dev.cadenza.stream.delivery;

/**
 * A satisfiable byte range of a representation, both ends inclusive.
 *
 * @param first offset of the first byte
 * @param last offset of the last byte
 */
public record ByteRange(long first, long last) {

  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException("bad range " + first + "-" + last);
    }
  }

  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value for this range of a representation of {@code size} bytes. */
  public String contentRange(long size) {
    return "bytes " + first + "-" + last + "/" + size;
  }

  boolean overlapsOrTouches(ByteRange other) {
    return first <= other.last + 1 && other.first <= last + 1;
  }
}
