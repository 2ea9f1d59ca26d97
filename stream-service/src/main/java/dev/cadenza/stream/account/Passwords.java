package dev.cadenza.stream.account;

import java.security.SecureRandom;
import java.util.Base64;

/** What a password may be, and generated ones. */
final class Passwords {

  /** NIST SP 800-63B's minimum for a password a user chooses. */
  static final int MIN_LENGTH = 8;

  /** Longer passwords are refused before hashing: a body cannot make the server hash megabytes. */
  static final int MAX_LENGTH = 1024;

  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {}

  /** Why {@code password} cannot be used, or null when it can. */
  static String problem(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "a password has at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "a password has at most " + MAX_LENGTH + " characters";
    }
    return null;
  }

  /** 144 random bits in 24 URL-safe characters. */
  static String generate() {
    byte[] bytes = new byte[18];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
