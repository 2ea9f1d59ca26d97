package dev.cadenza.protocol.catalog;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * How the stream service makes the ids of tracks, albums and artists from a key: 96 bits of the
 * key's SHA-256, base64url without padding, so every id is {@value CatalogFormat#ID_CHARS}
 * characters that the binary format stores as 12 raw bytes.
 */
public final class CatalogIds {

  private CatalogIds() {}

  /** The id of {@code key} (the stream service's keys: {@code track\0<path>} and the like). */
  public static String of(String key) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
