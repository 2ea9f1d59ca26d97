package dev.cadenza.stream.listening;

import java.time.Instant;

/**
 * What one listener has done with one catalogue item: starred it (when), rated it (1-5, 0 for
 * none), played it (how often, last when). An item nobody touched is {@link #none}.
 *
 * @param starredAt when the listener starred it; null when not starred
 * @param rating 1 to 5, or 0 for no rating
 * @param playCount submitted plays (scrobbles); for an album or artist, plays of its tracks
 * @param lastPlayedAt the latest submitted play; null when never played
 */
public record Annotation(
    ItemKind kind, String id, Instant starredAt, int rating, long playCount, Instant lastPlayedAt) {

  public static Annotation none(ItemKind kind, String id) {
    return new Annotation(kind, id, null, 0, 0, null);
  }

  public boolean starred() {
    return starredAt != null;
  }

  /** Whether nothing is recorded: such an annotation is not stored at all. */
  boolean blank() {
    return starredAt == null && rating == 0 && playCount == 0 && lastPlayedAt == null;
  }

  /** Starred at {@code at}, or left as it is when already starred (its first time stays). */
  Annotation star(Instant at) {
    return starred() ? this : new Annotation(kind, id, at, rating, playCount, lastPlayedAt);
  }

  Annotation unstar() {
    return new Annotation(kind, id, null, rating, playCount, lastPlayedAt);
  }

  Annotation rate(int stars) {
    return new Annotation(kind, id, starredAt, stars, playCount, lastPlayedAt);
  }

  /** One more play at {@code at}; a late submission of an older play keeps the latest time. */
  Annotation play(Instant at) {
    Instant last = lastPlayedAt == null || at.isAfter(lastPlayedAt) ? at : lastPlayedAt;
    return new Annotation(kind, id, starredAt, rating, playCount + 1, last);
  }
}
