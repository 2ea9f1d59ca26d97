package dev.cadenza.protocol.catalog;

/** Whether this JVM fuzzes ({@code JAZZER_FUZZ} set, as Jazzer reads it) or replays the corpus. */
final class FuzzMode {

  private FuzzMode() {}

  static boolean fuzzing() {
    String value = System.getenv("JAZZER_FUZZ");
    if (value == null) {
      value = System.getProperty("JAZZER_FUZZ");
    }
    return value != null
        && !value.isBlank()
        && !value.equals("0")
        && !value.equalsIgnoreCase("false");
  }
}
