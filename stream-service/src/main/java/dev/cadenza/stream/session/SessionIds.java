package dev.cadenza.stream.session;

import dev.cadenza.stream.web.Problems;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Session and member ids: 128 random bits as 22 characters of unpadded base64url. Unguessable, so
 * knowing a session's id is what lets a player join it: an id is a capability, and never logged
 * ({@link #tag} is).
 */
final class SessionIds {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{22}");

  private SessionIds() {}

  static String random() {
    byte[] bits = new byte[16];
    RANDOM.nextBytes(bits);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bits);
  }

  /**
   * A short tag of {@code id} for logs: the first 6 hex digits of its SHA-256. It correlates the
   * lines of one session and cannot be turned back into the id (24 bits of a hash of 128 random
   * ones).
   */
  static String tag(String id) {
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash, 0, 3);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  static boolean valid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** {@code id} if it has the form of an id, else a 400 problem saying what {@code kind} needs. */
  static String check(String kind, String id) {
    if (!valid(id)) {
      throw Problems.invalidId(kind, id, "22 base64url characters (A-Z, a-z, 0-9, '-', '_')");
    }
    return id;
  }
}
