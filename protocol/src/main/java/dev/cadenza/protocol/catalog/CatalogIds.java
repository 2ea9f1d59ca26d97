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

  /**
   * Cloned for each id: a copy costs less than {@code getInstance}'s provider look-up, which a
   * restart at 100,000 tracks makes hundreds of thousands of times.
   */
  private static final MessageDigest SHA_256 = sha256();

  private CatalogIds() {}

  /** The id of {@code key} (the stream service's keys: {@code track\0<path>} and the like). */
  public static String of(String key) {
    byte[] digest = sha256Copy().digest(key.getBytes(StandardCharsets.UTF_8));
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
  }

  private static MessageDigest sha256Copy() {
    try {
      return (MessageDigest) SHA_256.clone();
    } catch (CloneNotSupportedException e) {
      return sha256(); // a provider whose digests cannot be copied
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JRE has SHA-256", e);
    }
  }
}
