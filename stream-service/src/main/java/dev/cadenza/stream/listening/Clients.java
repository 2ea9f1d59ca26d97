package dev.cadenza.stream.listening;

/** Names of players (Subsonic {@code c}, the native API's {@code client}). */
final class Clients {

  static final int MAX_LENGTH = 100;

  private Clients() {}

  /** {@code name} stripped, or a 400 when it is empty, too long or has control characters. */
  static String check(String name) {
    String n = name == null ? "" : name.strip();
    if (n.isEmpty() || n.length() > MAX_LENGTH || n.chars().anyMatch(Character::isISOControl)) {
      throw ListeningProblems.invalid(
          "client",
          "A client name has 1 to " + MAX_LENGTH + " characters and no control characters.");
    }
    return n;
  }
}
