package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.CatalogIds;
import java.text.Normalizer;
import java.util.Locale;
import java.util.regex.Pattern;

/** Derives the stable, URL-safe ids of tracks, albums and artists. */
public final class Ids {

  /** Every id is 16 base64url characters (96 bits of a SHA-256). */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{16}");

  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private Ids() {}

  public static String track(String relativePath) {
    return CatalogIds.of("track\0" + relativePath);
  }

  public static String album(String artistName, String albumTitle) {
    return CatalogIds.of("album\0" + fold(artistName) + "\0" + fold(albumTitle));
  }

  public static String artist(String name) {
    return CatalogIds.of("artist\0" + fold(name));
  }

  /** Case- and accent-insensitive form of a name, for grouping and search. */
  public static String fold(String text) {
    if (ascii(text)) {
      // NFKD leaves ASCII as it is and it holds no marks: the same result without the
      // normalizer and the pattern, which were most of a 100k-track catalogue's build at restart
      return text.toLowerCase(Locale.ROOT).strip();
    }
    String decomposed = Normalizer.normalize(text, Normalizer.Form.NFKD);
    return MARKS.matcher(decomposed).replaceAll("").toLowerCase(Locale.ROOT).strip();
  }

  private static boolean ascii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 0x80) {
        return false;
      }
    }
    return true;
  }
}
