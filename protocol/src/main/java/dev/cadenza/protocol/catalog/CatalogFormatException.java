package dev.cadenza.protocol.catalog;

import java.io.IOException;

/**
 * The bytes are not a valid catalogue page: the only exception {@link CatalogCodec#decode} throws.
 * Checked, and an {@link IOException}, because the bytes come from the network and a caller that
 * reads a response body already handles those.
 */
public final class CatalogFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  private final int offset;

  CatalogFormatException(String reason, int offset) {
    super(reason + " (at byte " + offset + ")");
    this.offset = offset;
  }

  /** Where in the input array the problem was found. */
  public int offset() {
    return offset;
  }
}
