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

  /**
   * The value with surrounding blanks and NUL characters removed, or null when nothing is left.
   * RIFF INFO strings (WAV tags) end in a NUL that the tag library keeps: "Song\0" is "Song".
   */
  static String text(String value) {
    if (value == null) {
      return null;
    }
    int start = 0;
    int end = value.length();
    while (start < end && blankOrNul(value.charAt(start))) {
      start++;
    }
    while (end > start && blankOrNul(value.charAt(end - 1))) {
      end--;
    }
    return start == end ? null : value.substring(start, end);
  }

  private static boolean blankOrNul(char c) {
    return c == '\0' || Character.isWhitespace(c) || Character.isSpaceChar(c);
  }
}
