package dev.cadenza.stream.account;

import java.util.Locale;
import java.util.regex.Pattern;

/** What a username may be, and its case-insensitive form (the key of the username index). */
final class Usernames {

  static final int MAX_LENGTH = 64;

  /** The rule as error messages state it. */
  static final String RULE =
      "a username has 1 to "
          + MAX_LENGTH
          + " characters: letters a-z and A-Z, digits, '.', '_', '-' and '@', starting with a"
          + " letter or digit";

  private static final Pattern VALID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0," + (MAX_LENGTH - 1) + "}");

  private Usernames() {}

  static boolean valid(String username) {
    return username != null && VALID.matcher(username).matches();
  }

  /** Unique across users: two usernames that differ only in case are the same user. */
  static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
