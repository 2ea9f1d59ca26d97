package dev.cadenza.stream.metadata;

import java.util.StringJoiner;

/**
 * The text embedded for a track: title, artist, album, genre and year, in that order, each trimmed,
 * missing or blank ones left out, joined by {@code " | "}. For example {@code "Blue in Green |
 * Miles Davis | Kind of Blue | Jazz | 1959"}. Changing this changes every stored embedding, like a
 * new model does.
 */
public final class TrackText {

  static final String SEPARATOR = " | ";

  private TrackText() {}

  /** The text for these fields; any of them may be null. */
  public static String of(String title, String artist, String album, String genre, Integer year) {
    StringJoiner text = new StringJoiner(SEPARATOR);
    for (String field : new String[] {title, artist, album, genre}) {
      if (field != null && !field.isBlank()) {
        text.add(field.strip());
      }
    }
    if (year != null) {
      text.add(year.toString());
    }
    return text.toString();
  }
}
