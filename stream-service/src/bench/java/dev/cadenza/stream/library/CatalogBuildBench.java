package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.protocol.catalog.TrackTags;
import java.lang.reflect.Field;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: what building a {@link Catalog} costs at library scale, since a watch-applied batch
 * ({@link PathChanges}) and a refreshed track ({@link Catalog#with}) build a whole new one; and
 * what its parts cost (folding the search texts, the {@link SearchIndex}, the album ids). Tracks
 * are synthetic (no files): tags drawn from a word list, 10 tracks an album, 20 albums an artist.
 * Prints a Markdown table, medians of 5 runs after 2 warm-ups.
 *
 * <pre>
 * ./mvnw -o -q verify -pl stream-service -am -DskipITs -Dtest=CatalogBuildBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true [-Dcadenza.bench.tracks=100000]
 * </pre>
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class CatalogBuildBench {

  private static final String[] WORDS =
      ("amber autumn blue broken candle cedar city cloud coral crimson dawn desert distant dream"
              + " echo ember evening faded field fire forest ghost glass gold harbor heart hollow"
              + " honey iron island lantern light lunar marble meadow midnight mirror morning moon"
              + " neon night ocean paper pearl quiet rain river rose salt shadow silver sky snow"
              + " stone storm summer tide velvet violet water whisper wild willow winter wolf")
          .split(" ");

  @Test
  void buildCosts() {
    int n = Integer.getInteger("cadenza.bench.tracks", 100_000);
    List<Track> tracks = tracks(n, new Random(42));
    Catalog catalog = new Catalog(tracks);
    String[] texts = new String[n];
    Track replaced = tracks.get(n / 2);
    Track replacement =
        new Track(
            replaced.id(),
            replaced.path(),
            replaced.file(),
            replaced.format(),
            new FileVersion(1, Instant.EPOCH, Instant.EPOCH, 1),
            replaced.fileTags());
    System.out.printf(
        Locale.ROOT,
        "# Catalog build at %,d tracks%n%n| step | median ms |%n|---|---|%n| new Catalog (all of it)"
            + " | %.1f |%n| Catalog.with (one track replaced) | %.1f |%n| fold the search texts |"
            + " %.1f |%n| SearchIndex.of | %.1f |%n| album ids (Ids.album) | %.1f |%n| tracks sorted by"
            + " path | %.1f |%n| tracks by id (map) | %.1f |%n",
        n,
        median(() -> new Catalog(tracks)),
        median(() -> catalog.with(replacement.id(), replacement)),
        median(() -> texts(tracks, texts)),
        median(() -> SearchIndex.of(texts)),
        median(
            () ->
                tracks.stream()
                    .map(t -> Ids.album(Catalog.albumArtistOf(t), Catalog.albumTitleOf(t)))
                    .toList()),
        median(() -> tracks.stream().sorted(Comparator.comparing(Track::path)).toList()),
        median(
            () ->
                tracks.stream()
                    .collect(Collectors.toUnmodifiableMap(Track::id, Function.identity()))));
    System.out.printf(
        Locale.ROOT,
        "%nSearchIndex beyond the texts it keeps: %,d bytes, %.0f bytes per track%n",
        indexBytes(SearchIndex.of(texts)),
        indexBytes(SearchIndex.of(texts)) / (double) n);
  }

  /**
   * A first page (50) of 1-2 word queries as bench/lib/library-scale.py sends them, through the
   * index and through the scan it replaced (every track's text tested in order until the page is
   * full), on the same catalogue: p50 and p99 in microseconds.
   */
  @Test
  void searchAgainstTheScan() {
    int n = Integer.getInteger("cadenza.bench.tracks", 100_000);
    List<Track> tracks = tracks(n, new Random(42));
    Catalog catalog = new Catalog(tracks);
    String[] texts = new String[n];
    SearchIndex index = SearchIndex.of(texts(catalog.tracks(), texts));
    Random random = new Random(7);
    List<List<String>> queries = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      List<String> words = new ArrayList<>();
      for (int w = 1 + random.nextInt(2); w > 0; w--) {
        words.add(WORDS[random.nextInt(WORDS.length)]);
      }
      queries.add(words);
    }
    long[] indexed = new long[queries.size()];
    long[] scanned = new long[queries.size()];
    int agree = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int q = 0; q < queries.size(); q++) {
        List<String> words = queries.get(q);
        long start = System.nanoTime();
        List<Integer> viaIndex = new ArrayList<>();
        SearchHits hits = index.find(words);
        for (int i = hits.next(0); i < n && viaIndex.size() < 50; i = hits.next(i + 1)) {
          viaIndex.add(i);
        }
        indexed[q] = System.nanoTime() - start;
        start = System.nanoTime();
        List<Integer> viaScan = new ArrayList<>();
        for (int i = 0; i < n && viaScan.size() < 50; i++) {
          String text = texts[i];
          if (words.stream().allMatch(text::contains)) {
            viaScan.add(i);
          }
        }
        scanned[q] = System.nanoTime() - start;
        agree += round == 1 && viaIndex.equals(viaScan) ? 1 : 0;
      }
    }
    Arrays.sort(indexed);
    Arrays.sort(scanned);
    System.out.printf(
        Locale.ROOT,
        "# Search at %,d tracks: first page of 50, %,d queries of 1-2 words%n%n| | p50 µs | p99 µs"
            + " |%n|---|---|---|%n| index | %.0f | %.0f |%n| scan | %.0f | %.0f |%n%nsame pages:"
            + " %d of %d%n",
        n,
        queries.size(),
        indexed[indexed.length / 2] / 1e3,
        indexed[indexed.length * 99 / 100] / 1e3,
        scanned[scanned.length / 2] / 1e3,
        scanned[scanned.length * 99 / 100] / 1e3,
        agree,
        queries.size());
  }

  /** Folded search texts like {@link Catalog}'s: title, artist, album, genre and path. */
  private static String[] texts(List<Track> tracks, String[] texts) {
    for (int i = 0; i < tracks.size(); i++) {
      Track t = tracks.get(i);
      texts[i] =
          Ids.fold(
              String.join(
                  "\n",
                  t.displayTitle(),
                  t.tags().artist(),
                  t.tags().album(),
                  t.tags().genre(),
                  t.path()));
    }
    return texts;
  }

  /** The dictionary (1 byte a character when Latin-1) and the int arrays, headers left out. */
  private static long indexBytes(SearchIndex index) {
    try {
      long bytes = 0;
      for (Field f : SearchIndex.class.getDeclaredFields()) {
        f.setAccessible(true);
        Object value = f.get(index);
        if (value instanceof int[] ints) {
          bytes += 4L * ints.length;
        } else if (value instanceof String dictionary) {
          bytes +=
              dictionary.chars().allMatch(c -> c < 256)
                  ? dictionary.length()
                  : 2L * dictionary.length();
        }
      }
      return bytes;
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double median(Supplier<?> work) {
    double[] ms = new double[7];
    for (int i = 0; i < ms.length; i++) {
      long start = System.nanoTime();
      work.get();
      ms[i] = (System.nanoTime() - start) / 1e6;
    }
    double[] measured = Arrays.copyOfRange(ms, 2, ms.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }

  private static List<Track> tracks(int n, Random random) {
    List<Track> tracks = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      // 10 tracks an album, 20 albums an artist
      String artist = words(new Random(i / 200), 2) + " " + (i / 200);
      String album = words(new Random(-1 - i / 10), 2 + i / 10 % 2);
      String title = words(random, 1 + random.nextInt(3));
      String path =
          artist + "/" + album + "/" + String.format(Locale.ROOT, "%02d %s.mp3", i % 20, title);
      TrackTags tags =
          TrackTags.builder()
              .title(title)
              .artist(artist)
              .album(album)
              .trackNumber(i % 20 + 1)
              .year(1960 + random.nextInt(60))
              .genre(WORDS[random.nextInt(8)])
              .durationMs(180_000L)
              .replayGain(ReplayGain.NONE)
              .build();
      tracks.add(
          new Track(
              Ids.track(path),
              path,
              Path.of("/library", path),
              AudioFormat.MP3,
              new FileVersion(1000 + i, Instant.EPOCH, Instant.EPOCH, i),
              new FileTags(tags, new AudioProperties(128_000, 44_100, 2, "mp3"), false)));
    }
    return tracks;
  }

  private static String words(Random random, int count) {
    List<String> picked = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      picked.add(WORDS[random.nextInt(WORDS.length)]);
    }
    return String.join(" ", picked);
  }
}
