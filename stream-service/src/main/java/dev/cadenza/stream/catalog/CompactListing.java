package dev.cadenza.stream.catalog;

import dev.cadenza.protocol.catalog.CatalogCodec;
import java.util.List;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/** Content negotiation for the compact binary listing: JSON unless the client asks for binary. */
final class CompactListing {

  static final MediaType MEDIA_TYPE = MediaType.parseMediaType(CatalogCodec.MEDIA_TYPE);

  private CompactListing() {}

  /**
   * Whether {@code Accept} names the binary type, with a quality at least that of JSON; media types
   * compare case-insensitively (RFC 9110 section 8.3.1). Wildcards never select it: browsers and
   * curl send {@code *}{@code /*} and get JSON.
   */
  static boolean wanted(String accept) {
    if (accept == null || !mentions(accept, MEDIA_TYPE.getSubtype())) {
      return false;
    }
    List<MediaType> types;
    try {
      types = MediaType.parseMediaTypes(accept);
    } catch (InvalidMediaTypeException e) {
      return false;
    }
    double binary = 0;
    double json = 0;
    for (MediaType t : types) {
      if (t.equalsTypeAndSubtype(MEDIA_TYPE)) {
        binary = Math.max(binary, t.getQualityValue());
      } else if (t.equalsTypeAndSubtype(MediaType.APPLICATION_JSON)) {
        json = Math.max(json, t.getQualityValue());
      }
    }
    return binary > 0 && binary >= json;
  }

  /** Whether {@code text} contains {@code word}, ignoring case (a cheap test before parsing). */
  private static boolean mentions(String text, String word) {
    for (int i = 0; i + word.length() <= text.length(); i++) {
      if (text.regionMatches(true, i, word, 0, word.length())) {
        return true;
      }
    }
    return false;
  }
}
