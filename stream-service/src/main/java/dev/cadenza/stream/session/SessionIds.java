package dev.cadenza.stream.session;

import dev.cadenza.stream.web.Problems;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Session and member ids: 128 random bits as 22 characters of unpadded base64url. Unguessable, so
 * knowing a session's id is what lets a player join it.
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
