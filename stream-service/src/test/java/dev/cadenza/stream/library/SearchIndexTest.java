package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The index answers every query exactly as the scan it replaced: each track in catalogue order
 * whose folded text contains every word of the folded query ({@code text.contains(word)}).
 */
class SearchIndexTest {

  private static final String[] WORDS = {
    "amber",
    "Ämber",
    "autumn",
    "blue",
    "Beyoncé",
    "Beyonce\u0301",
    "café",
    "CAFÉ",
    "nocturne",
    "été",
    "ÅNGSTRÖM",
    "river",
    "rivers",
    "moon",
    "moonlight",
    "a",
    "x",
    "12",
    "01",
    "the",
    "o'brien",
    "rock&roll",
    "naïve",
    "Ölçek",
    "東京",
    "mp3",
    "flac",
    "—",
    "a|b"
  };
  private static final String[] SEPARATORS = {" ", "  ", "\t", " - ", "/", "_", ".", ""};

  @Test
  void answersAsTheScanDoesForRandomQueriesOnAGeneratedCatalogue() {
    Random random = new Random(20);
    String[] texts = new String[3_000];
    for (int i = 0; i < texts.length; i++) {
      texts[i] = text(random);
    }
    SearchIndex index = SearchIndex.of(texts);
    List<String> queries = new ArrayList<>(List.of("", " ", "a", "é", "E", "x", "zzz", "\u0301"));
    for (int i = 0; i < 3_000; i++) {
      queries.add(query(random, texts));
    }
    for (String query : queries) {
      List<String> words = Arrays.asList(Ids.fold(query).split("\\s+"));
      assertThat(hits(index.find(words), texts.length, 0))
          .as("query '%s'", query)
          .isEqualTo(scan(texts, words, 0));
      int from = random.nextInt(texts.length + 2);
      assertThat(hits(index.find(words), texts.length, from))
          .as("query '%s' from %d", query, from)
          .isEqualTo(scan(texts, words, from));
    }
  }

  @Test
  void noWordsMatchEveryTrack() {
    String[] texts = {"a", "b\nc"};
    assertThat(hits(SearchIndex.of(texts).find(List.of()), 2, 0)).containsExactly(0, 1);
  }

  @Test
  void aWordMatchesInsideATokenButNeverAcrossWhitespace() {
    String[] texts = {Ids.fold("Moonlight Sonata\nBeethoven"), Ids.fold("Blue Moon\nrock")};
    SearchIndex index = SearchIndex.of(texts);
    assertThat(hits(index.find(List.of("oonli")), 2, 0)).containsExactly(0);
    assertThat(hits(index.find(List.of("moon")), 2, 0)).containsExactly(0, 1);
    assertThat(hits(index.find(List.of("moon", "rock")), 2, 0)).containsExactly(1);
    assertThat(hits(index.find(List.of("noc")), 2, 0)).isEmpty();
  }

  @Test
  void anEmptyCatalogueHasNoHits() {
    assertThat(hits(SearchIndex.of(new String[0]).find(List.of("a")), 0, 0)).isEmpty();
  }

  /** A track's text as {@link Catalog} folds it: a few fields of random words, joined by lines. */
  private static String text(Random random) {
    List<String> fields = new ArrayList<>();
    for (int f = 0; f < 6; f++) {
      StringBuilder field = new StringBuilder();
      int words = random.nextInt(4);
      for (int w = 0; w < words; w++) {
        field.append(WORDS[random.nextInt(WORDS.length)]);
        field.append(SEPARATORS[random.nextInt(SEPARATORS.length)]);
      }
      fields.add(field.toString());
    }
    return Ids.fold(String.join("\n", fields));
  }

  /** A query a listener might type: words, parts of words, across words, in any case; or many. */
  private static String query(Random random, String[] texts) {
    return switch (random.nextInt(6)) {
      case 0 -> WORDS[random.nextInt(WORDS.length)];
      case 1 ->
          WORDS[random.nextInt(WORDS.length)].toUpperCase()
              + " "
              + WORDS[random.nextInt(WORDS.length)];
      case 2 -> {
        String text = texts[random.nextInt(texts.length)];
        int start = random.nextInt(text.length() + 1);
        yield text.substring(start, Math.min(text.length(), start + 1 + random.nextInt(12)));
      }
      case 3 -> {
        String word = WORDS[random.nextInt(WORDS.length)];
        yield word.substring(0, 1 + random.nextInt(word.length()));
      }
      case 4 -> Character.toString('a' + random.nextInt(26));
      default -> { // a long query: parts of one text's words, more than the index looks up
        String text = texts[random.nextInt(texts.length)];
        StringBuilder words = new StringBuilder();
        for (int i = 0; i < 8 + random.nextInt(12); i++) {
          int start = random.nextInt(text.length() + 1);
          words.append(text, start, Math.min(text.length(), start + 1 + random.nextInt(4)));
          words.append(' ');
        }
        yield words.toString();
      }
    };
  }

  private static List<Integer> hits(SearchHits hits, int tracks, int from) {
    List<Integer> found = new ArrayList<>();
    for (int i = hits.next(from); i < tracks; i = hits.next(i + 1)) {
      found.add(i);
    }
    return found;
  }

  /** The scan the index replaced. */
  private static List<Integer> scan(String[] texts, List<String> words, int from) {
    List<Integer> found = new ArrayList<>();
    for (int i = from; i < texts.length; i++) {
      String text = texts[i];
      if (words.stream().allMatch(text::contains)) {
        found.add(i);
      }
    }
    return found;
  }
}
