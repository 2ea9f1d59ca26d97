package dev.cadenza.stream.library;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the tracks whose folded search text contains every word of a query, so that a search reads
 * the few tracks that can match instead of every track's text.
 *
 * <p>A word of a query holds no whitespace ({@code \s}), so it lies inside one whitespace-separated
 * token of a text: a track matches a word exactly when one of its tokens contains it. The index
 * keeps every distinct token once, joined by {@code '\n'} into one dictionary string that {@link
 * String#indexOf} searches (far shorter than the texts: tags repeat from track to track), and for
 * each token the positions of the tracks that hold it, ascending. A word's tracks are the union of
 * its tokens' postings; a query's are the intersection over its words. Words that would match more
 * than a quarter of the tracks are not unioned (that would cost more than reading the texts) but
 * checked on the candidates the narrower words left, or on every track in order when all words are
 * that broad, which is what the scan did and stops as early as a page is full; so are the words of
 * a long query past its eight longest.
 *
 * <p>The answers are the scan's ({@code text.contains(word)} for every word), in catalogue order;
 * {@code SearchIndexTest} compares the two on random queries.
 */
final class SearchIndex {

  /** A word whose postings sum to more than this share of the tracks is checked, not unioned. */
  private static final int BROAD_DIVISOR = 4;

  /** Words of one query looked up in the index at most; more are checked on the candidates. */
  private static final int LOOKED_UP = 8;

  private final String[] texts;
  private final String dictionary;
  private final int[] tokenStart; // offset of each token in the dictionary, then length + 1
  private final int[] postingStart; // offset of each token's postings, then postings.length
  private final int[] postings;

  private SearchIndex(
      String[] texts, String dictionary, int[] tokenStart, int[] postingStart, int[] postings) {
    this.texts = texts;
    this.dictionary = dictionary;
    this.tokenStart = tokenStart;
    this.postingStart = postingStart;
    this.postings = postings;
  }

  /** The index of {@code texts}, the folded search text of each track in catalogue order. */
  static SearchIndex of(String[] texts) {
    Map<String, Integer> ids = new HashMap<>();
    List<String> tokens = new ArrayList<>();
    IntList occurrenceToken = new IntList();
    IntList occurrenceTrack = new IntList();
    IntList ofTrack = new IntList();
    for (int track = 0; track < texts.length; track++) {
      ofTrack.clear();
      String text = texts[track];
      int start = -1;
      for (int i = 0; i <= text.length(); i++) {
        boolean separator = i == text.length() || isSpace(text.charAt(i));
        if (separator && start >= 0) {
          String token = text.substring(start, i);
          Integer id = ids.get(token);
          if (id == null) {
            id = tokens.size();
            ids.put(token, id);
            tokens.add(token);
          }
          ofTrack.add(id);
          start = -1;
        } else if (!separator && start < 0) {
          start = i;
        }
      }
      ofTrack.sortDistinct();
      for (int k = 0; k < ofTrack.size; k++) {
        occurrenceToken.add(ofTrack.values[k]);
        occurrenceTrack.add(track);
      }
    }
    // postings grouped by token (a counting sort), each ascending since tracks came in order
    int[] postingStart = new int[tokens.size() + 1];
    for (int k = 0; k < occurrenceToken.size; k++) {
      postingStart[occurrenceToken.values[k] + 1]++;
    }
    for (int t = 0; t < tokens.size(); t++) {
      postingStart[t + 1] += postingStart[t];
    }
    int[] fill = Arrays.copyOf(postingStart, tokens.size());
    int[] postings = new int[occurrenceToken.size];
    for (int k = 0; k < occurrenceToken.size; k++) {
      postings[fill[occurrenceToken.values[k]]++] = occurrenceTrack.values[k];
    }
    int[] tokenStart = new int[tokens.size() + 1];
    StringBuilder dictionary = new StringBuilder();
    for (int t = 0; t < tokens.size(); t++) {
      tokenStart[t] = dictionary.length();
      dictionary.append(tokens.get(t)).append('\n');
    }
    tokenStart[tokens.size()] = dictionary.length();
    return new SearchIndex(texts, dictionary.toString(), tokenStart, postingStart, postings);
  }

  /** The folded search text of the track at {@code position}. */
  String text(int position) {
    return texts[position];
  }

  /**
   * The tracks whose text contains every one of {@code words} (folded, no whitespace in a word; an
   * empty word, or no word at all, matches every track).
   */
  SearchHits find(List<String> words) {
    // the longest words are looked up (usually the narrowest); the rest are checked on what they
    // leave, so that a query of thousands of words costs no more lookups than one of a few
    List<String> distinct =
        words.stream()
            .filter(w -> !w.isEmpty()) // contained in every text
            .distinct()
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
    long broad = texts.length / BROAD_DIVISOR;
    List<Word> looked = new ArrayList<>();
    List<String> checked = new ArrayList<>();
    for (String w : distinct) {
      if (looked.size() == LOOKED_UP) {
        checked.add(w);
        continue;
      }
      Word word = lookUp(w, broad);
      if (word.cost == 0) {
        return new SearchHits(texts, new BitSet(), List.of());
      }
      looked.add(word);
    }
    looked.sort(Comparator.comparingLong(w -> w.cost));
    BitSet candidates = null;
    for (Word word : looked) {
      // never above broad: a broad word's lookup stopped early, its tokens are not all there
      long limit =
          candidates == null
              ? broad
              : Math.min(broad, (long) candidates.cardinality() * BROAD_DIVISOR);
      if (word.cost > limit) {
        checked.add(word.text);
      } else if (candidates == null) {
        candidates = tracksOf(word);
      } else {
        candidates.and(tracksOf(word));
      }
    }
    return new SearchHits(texts, candidates, checked);
  }

  /**
   * A word of a query: the tokens that contain it and how many postings they hold in all; for a
   * broad word, only the first tokens, past the cost that makes it broad.
   */
  private record Word(String text, int[] tokens, long cost) {}

  private Word lookUp(String word, long broad) {
    IntList found = new IntList();
    long cost = 0;
    int at = dictionary.indexOf(word);
    while (at >= 0 && cost <= broad) {
      int token = tokenAt(at);
      found.add(token);
      cost += postingStart[token + 1] - postingStart[token];
      at = dictionary.indexOf(word, tokenStart[token + 1]); // a word lies in one token
    }
    return new Word(word, Arrays.copyOf(found.values, found.size), cost);
  }

  /** The token whose dictionary entry holds offset {@code at}. */
  private int tokenAt(int at) {
    int i = Arrays.binarySearch(tokenStart, at);
    return i >= 0 ? i : -i - 2;
  }

  private BitSet tracksOf(Word word) {
    BitSet tracks = new BitSet(texts.length);
    for (int token : word.tokens) {
      for (int k = postingStart[token]; k < postingStart[token + 1]; k++) {
        tracks.set(postings[k]);
      }
    }
    return tracks;
  }

  /** The separators of {@code split("\\s+")}: Java's {@code \s}, ASCII whitespace only. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }

  /** A growable list of ints, to build the index without boxing. */
  private static final class IntList {
    int[] values = new int[16];
    int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void clear() {
      size = 0;
    }

    /** Sorts the values and drops repeats (a token that occurs twice in one text). */
    void sortDistinct() {
      Arrays.sort(values, 0, size);
      int kept = 0;
      for (int i = 0; i < size; i++) {
        if (kept == 0 || values[kept - 1] != values[i]) {
          values[kept++] = values[i];
        }
      }
      size = kept;
    }
  }
}
