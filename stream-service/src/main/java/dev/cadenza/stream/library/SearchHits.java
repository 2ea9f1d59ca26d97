package dev.cadenza.stream.library;

import java.util.BitSet;
import java.util.List;

/**
 * The tracks a search matches ({@link Catalog#search}), found in catalogue order from a position
 * on, so that a page reads only as far as it needs.
 */
public final class SearchHits {

  private final String[] texts;
  private final BitSet candidates; // null: every track is a candidate
  private final List<String> checked; // words every candidate's text must still contain

  SearchHits(String[] texts, BitSet candidates, List<String> checked) {
    this.texts = texts;
    this.candidates = candidates;
    this.checked = checked;
  }

  /**
   * The position in {@link Catalog#tracks} of the first hit at or after {@code from}, or the track
   * count when there is none.
   */
  public int next(int from) {
    for (int i = candidate(from); i < texts.length; i = candidate(i + 1)) {
      if (containsAll(texts[i])) {
        return i;
      }
    }
    return texts.length;
  }

  private int candidate(int from) {
    if (candidates == null) {
      return from;
    }
    int i = candidates.nextSetBit(from);
    return i < 0 ? texts.length : i;
  }

  private boolean containsAll(String text) {
    for (String word : checked) {
      if (!text.contains(word)) {
        return false;
      }
    }
    return true;
  }
}
