package dev.cadenza.protocol.catalog;

import java.util.Objects;

/**
 * Encodes and decodes catalogue pages in the compact binary format, version 1
 * (docs/catalog-format.md). Stateless and thread-safe.
 *
 * <p>Decoding trusts nothing: whatever the bytes, it returns a page or throws {@link
 * CatalogFormatException}, and it allocates no more than a small multiple of the input's size.
 */
public final class CatalogCodec {

  /** The media type a client asks for with {@code Accept}. */
  public static final String MEDIA_TYPE = "application/vnd.cadenza.catalog+binary";

  private CatalogCodec() {}

  /**
   * The page's bytes.
   *
   * @throws IllegalArgumentException if a value exceeds the format's limits (a text over 64 KiB of
   *     UTF-8, a string with a lone surrogate, an embedding code over 4 KiB)
   */
  public static byte[] encode(CatalogPage page) {
    return PageEncoder.encode(Objects.requireNonNull(page, "page"));
  }

  public static CatalogPage decode(byte[] bytes) throws CatalogFormatException {
    return decode(bytes, 0, bytes.length);
  }

  /** Decodes exactly {@code length} bytes from {@code offset}: trailing bytes are an error. */
  public static CatalogPage decode(byte[] bytes, int offset, int length)
      throws CatalogFormatException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    return PageDecoder.decode(bytes, offset, length);
  }
}
