package dev.cadenza.stream.metadata;

import dev.cadenza.stream.library.Track;
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

  /** The version of this text's format; part of every stored embedding's key. */
  static final int FORMAT = 1;

  /**
   * The text for a track: its title (the file name when it has no title tag), artist (the album
   * artist when it has no artist tag), album, genre and year.
   */
  public static String of(Track track) {
    var tags = track.tags();
    return of(
        track.displayTitle(),
        tags.artist() != null ? tags.artist() : tags.albumArtist(),
        tags.album(),
        tags.genre(),
        tags.year());
  }

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
