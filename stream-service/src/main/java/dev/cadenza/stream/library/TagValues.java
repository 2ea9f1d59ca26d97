package dev.cadenza.stream.library;

/** Lenient parsing of tag values as files carry them ({@code "3/12"}, {@code "2024-05-01"}). */
final class TagValues {

  private TagValues() {}

  /** The leading decimal number of a value, or null when it has none. */
  static Integer leadingInt(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    int end = 0;
    while (end < v.length() && end < 9 && Character.isDigit(v.charAt(end))) {
      end++;
    }
    return end == 0 ? null : Integer.valueOf(v.substring(0, end));
  }

  /** The value with surrounding blanks removed, or null when nothing is left. */
  static String text(String value) {
    if (value == null) {
      return null;
    }
    String v = value.strip();
    return v.isEmpty() ? null : v;
  }
}
