package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * The catalogue in service as the OpenSubsonic API lists it: what {@link Catalog} has, plus what
 * only this API needs (genres with counts, when albums were added, the artist index by letter),
 * derived once per catalogue snapshot rather than per request.
 */
@Component
public class SubsonicCatalog {

  /** Articles the artist index ignores ("The Quiet Modes" under Q), as {@code ignoredArticles}. */
  public static final String IGNORED_ARTICLES = "The El La Los Las Le Les";

  private static final List<String> ARTICLES =
      List.of(IGNORED_ARTICLES.toLowerCase(Locale.ROOT).split(" "));

  private final Library library;
  private volatile Snapshot snapshot;

  public SubsonicCatalog(Library library) {
    this.library = library;
  }

  /** The snapshot of the catalogue in service, derived when the catalogue changed. */
  public Snapshot current() {
    Catalog catalog = library.catalog();
    Snapshot s = snapshot;
    if (s == null || s.catalog() != catalog) {
      s = new Snapshot(catalog);
      snapshot = s;
    }
    return s;
  }

  /** When the catalogue in service last changed, for {@code getIndexes}' {@code lastModified}. */
  public long lastModifiedMillis() {
    return library.lastScan().map(r -> r.startedAt().plus(r.duration()).toEpochMilli()).orElse(0L);
  }

  /** A genre and how many songs and albums have it. */
  public record Genre(String name, int songCount, int albumCount) {}

  /** Artists whose (article-less) name starts with {@code name}, or "#" for anything else. */
  public record IndexEntry(String name, List<Artist> artists) {}

  /** One catalogue snapshot with what this API derives from it. Immutable. */
  public static final class Snapshot {

    private final Catalog catalog;
    private final Map<String, Instant> albumCreated;
    private final List<Album> newestAlbums;
    private final List<Album> albumsByArtist;
    private final List<Genre> genres;
    private final List<IndexEntry> artistIndex;

    Snapshot(Catalog catalog) {
      this.catalog = catalog;
      Map<String, Instant> created = new HashMap<>();
      for (Album a : catalog.albums()) {
        created.put(
            a.id(),
            a.tracks().stream()
                .map(Track::lastModified)
                .max(Comparator.naturalOrder())
                .orElse(Instant.EPOCH));
      }
      this.albumCreated = Map.copyOf(created);
      this.newestAlbums =
          catalog.albums().stream()
              .sorted(
                  Comparator.comparing((Album a) -> albumCreated.get(a.id()))
                      .reversed()
                      .thenComparing(Album::id))
              .toList();
      this.albumsByArtist =
          catalog.albums().stream()
              .sorted(
                  Comparator.comparing((Album a) -> sortName(a.artist()))
                      .thenComparing(a -> Ids.fold(a.title()))
                      .thenComparing(Album::id))
              .toList();
      this.genres = genres(catalog);
      this.artistIndex = artistIndex(catalog.artists());
    }

    public Catalog catalog() {
      return catalog;
    }

    /** When the album was added: the newest modification time of its files. */
    public Instant created(Album album) {
      return albumCreated.getOrDefault(album.id(), Instant.EPOCH);
    }

    /** The track with this id; error 70 when there is none. */
    public Track track(String id) {
      return catalog.track(id).orElseThrow(() -> SubsonicError.notFound("song", id));
    }

    /** The album with this id; error 70 when there is none. */
    public Album album(String id) {
      return catalog.album(id).orElseThrow(() -> SubsonicError.notFound("album", id));
    }

    /** The artist with this id; error 70 when there is none. */
    public Artist artist(String id) {
      return catalog.artist(id).orElseThrow(() -> SubsonicError.notFound("artist", id));
    }

    /** The album a track is grouped into. */
    public Album albumOf(Track track) {
      return catalog.album(catalog.albumIdOf(track)).orElseThrow();
    }

    public List<Album> newestAlbums() {
      return newestAlbums;
    }

    public List<Album> albumsByArtist() {
      return albumsByArtist;
    }

    /** Genres by name, case-insensitively merged (the first spelling met names it). */
    public List<Genre> genres() {
      return genres;
    }

    public List<IndexEntry> artistIndex() {
      return artistIndex;
    }

    private static List<Genre> genres(Catalog catalog) {
      Map<String, String> spelling = new LinkedHashMap<>();
      Map<String, Integer> songs = new HashMap<>();
      Map<String, Set<String>> albums = new HashMap<>();
      for (Album a : catalog.albums()) {
        for (Track t : a.tracks()) {
          String genre = t.tags().genre();
          if (genre == null || genre.isBlank()) {
            continue;
          }
          String key = Ids.fold(genre);
          spelling.putIfAbsent(key, genre);
          songs.merge(key, 1, Integer::sum);
          albums.computeIfAbsent(key, k -> new HashSet<>()).add(a.id());
        }
      }
      return spelling.entrySet().stream()
          .map(e -> new Genre(e.getValue(), songs.get(e.getKey()), albums.get(e.getKey()).size()))
          .sorted(Comparator.comparing((Genre g) -> Ids.fold(g.name())))
          .toList();
    }

    private static List<IndexEntry> artistIndex(List<Artist> artists) {
      Map<String, List<Artist>> byLetter =
          new TreeMap<>(Comparator.comparing((String k) -> k.equals("#") ? "\uffff" : k));
      artists.stream()
          .sorted(Comparator.comparing((Artist a) -> sortName(a.name())).thenComparing(Artist::id))
          .forEach(
              a -> byLetter.computeIfAbsent(indexLetter(a.name()), k -> new ArrayList<>()).add(a));
      return byLetter.entrySet().stream()
          .map(e -> new IndexEntry(e.getKey(), List.copyOf(e.getValue())))
          .toList();
    }
  }

  /** A name folded, without a leading ignored article: what the index sorts by. */
  static String sortName(String name) {
    String folded = Ids.fold(name);
    for (String article : ARTICLES) {
      if (folded.startsWith(article + " ") && folded.length() > article.length() + 1) {
        return folded.substring(article.length() + 1).strip();
      }
    }
    return folded;
  }

  /** The index a name is filed under: its first letter (accents folded), else "#". */
  static String indexLetter(String name) {
    String sort = sortName(name);
    if (sort.isEmpty()) {
      return "#";
    }
    int first = sort.codePointAt(0);
    return Character.isLetter(first)
        ? new String(Character.toChars(first)).toUpperCase(Locale.ROOT)
        : "#";
  }
}
