package dev.cadenza.stream.listening;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.web.Problems;
import java.util.Locale;

/** What a listener can star, rate and play: the catalogue's tracks, albums and artists. */
public enum ItemKind {
  TRACK,
  ALBUM,
  ARTIST;

  /**
   * The kind as the API and the item keys spell it: {@code track}, {@code album}, {@code artist}.
   */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the catalogue has an item of this kind with {@code id}. */
  public boolean exists(Catalog catalog, String id) {
    return switch (this) {
      case TRACK -> catalog.track(id).isPresent();
      case ALBUM -> catalog.album(id).isPresent();
      case ARTIST -> catalog.artist(id).isPresent();
    };
  }

  /** The kind {@code value} names, or a 400 problem for {@code parameter}. */
  public static ItemKind parse(String parameter, String value) {
    if (value != null) {
      for (ItemKind kind : values()) {
        if (kind.key().equals(value)) {
          return kind;
        }
      }
    }
    throw Problems.badParameter(parameter, value, "must be track, album or artist");
  }
}
