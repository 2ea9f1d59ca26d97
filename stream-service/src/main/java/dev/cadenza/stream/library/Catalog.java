package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.TrackTags;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * An immutable snapshot of the library: tracks ordered by path, albums and artists ordered by name.
 * A scan builds a new one and swaps it in, so readers never see a half-built catalogue.
 */
public final class Catalog {

  static final String UNKNOWN_ARTIST = "Unknown Artist";
  static final String UNKNOWN_ALBUM = "Unknown Album";

  private static final Comparator<Track> ALBUM_ORDER =
      Comparator.comparing((Track t) -> t.tags().discNumber(), nullsLast())
          .thenComparing(t -> t.tags().trackNumber(), nullsLast())
          .thenComparing(Track::path);

  private final List<Track> tracks;
  private final Map<String, Track> tracksById;
  private final SearchIndex searchIndex;
  private final List<Album> albums;
  private final Map<String, Album> albumsById;
  private final Map<String, String> albumOfTrack;
  private final List<Artist> artists;
  private final Map<String, Artist> artistsById;

  public static final Catalog EMPTY = new Catalog(List.of());

  public Catalog(Collection<Track> all) {
    this(all, List.of(), position -> null, Map.of());
  }

  /**
   * The catalogue of {@code all}, taking what {@code previous} derived from the tracks it shares
   * with it (the same {@link Track} objects: unchanged files) instead of deriving it again: the
   * folded search text and the album id, about a quarter of a 100k-track build (CatalogBuildBench).
   */
  Catalog(Collection<Track> all, Catalog previous) {
    this(all, previous.tracks, previous.searchIndex::text, previous.albumOfTrack);
  }

  private Catalog(
      Collection<Track> all,
      List<Track> before,
      IntFunction<String> textBefore,
      Map<String, String> albumBefore) {
    this.tracks = all.stream().sorted(Comparator.comparing(Track::path)).toList();
    this.tracksById = byId(tracks, Track::id);

    String[] texts = new String[tracks.size()];
    Map<String, List<Track>> byAlbum = new LinkedHashMap<>();
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] albumOf = new Map.Entry[tracks.size()];
    int j = 0; // both lists are sorted by path: one pass finds each track's former position
    for (int i = 0; i < texts.length; i++) {
      Track t = tracks.get(i);
      while (j < before.size() && before.get(j).path().compareTo(t.path()) < 0) {
        j++;
      }
      boolean kept = j < before.size() && before.get(j) == t;
      texts[i] = kept ? textBefore.apply(j) : searchText(t);
      String id = kept ? albumBefore.get(t.id()) : Ids.album(albumArtistOf(t), albumTitleOf(t));
      byAlbum.computeIfAbsent(id, k -> new ArrayList<>()).add(t);
      albumOf[i] = Map.entry(t.id(), id);
    }
    this.searchIndex = SearchIndex.of(texts);
    this.albums =
        byFoldedName(
            byAlbum.entrySet().stream().map(e -> album(e.getKey(), e.getValue())).toList(),
            Album::title,
            Album::id);
    this.albumsById = byId(albums, Album::id);
    this.albumOfTrack = Map.ofEntries(albumOf);

    Map<String, List<Album>> byArtist = new TreeMap<>();
    for (Album a : albums) {
      byArtist.computeIfAbsent(a.artistId(), k -> new ArrayList<>()).add(a);
    }
    this.artists =
        byFoldedName(
            byArtist.entrySet().stream().map(e -> artist(e.getKey(), e.getValue())).toList(),
            Artist::name,
            Artist::id);
    this.artistsById = byId(artists, Artist::id);
  }

  public List<Track> tracks() {
    return tracks;
  }

  public Optional<Track> track(String id) {
    return Optional.ofNullable(tracksById.get(id));
  }

  public List<Album> albums() {
    return albums;
  }

  public Optional<Album> album(String id) {
    return Optional.ofNullable(albumsById.get(id));
  }

  /** The id of the album a track is grouped into. */
  public String albumIdOf(Track track) {
    return albumOfTrack.get(track.id());
  }

  public List<Artist> artists() {
    return artists;
  }

  public Optional<Artist> artist(String id) {
    return Optional.ofNullable(artistsById.get(id));
  }

  /**
   * The tracks whose title, artist, album artist, album, genre or path (folded, in one text)
   * contains every one of {@code words}: the words of a query, folded ({@link Ids#fold}) and split
   * at whitespace. An empty word, or no word at all, matches every track.
   */
  public SearchHits search(List<String> words) {
    return searchIndex.find(words);
  }

  /** This catalogue with one track replaced (or removed, when {@code replacement} is null). */
  public Catalog with(String trackId, Track replacement) {
    Map<String, Track> copy = new LinkedHashMap<>(tracksById);
    if (replacement == null) {
      copy.remove(trackId);
    } else {
      copy.put(trackId, replacement);
    }
    return new Catalog(copy.values(), this);
  }

  /** The album artist a track is filed under: album artist, else artist, else unknown. */
  public static String albumArtistOf(Track t) {
    return Objects.requireNonNullElse(
        t.tags().albumArtist(), Objects.requireNonNullElse(t.tags().artist(), UNKNOWN_ARTIST));
  }

  /** The album a track is filed under: its tag, else the folder it lies in. */
  static String albumTitleOf(Track t) {
    if (t.tags().album() != null) {
      return t.tags().album();
    }
    int slash = t.path().lastIndexOf('/');
    if (slash < 0) {
      return UNKNOWN_ALBUM;
    }
    String dir = t.path().substring(0, slash);
    return dir.substring(dir.lastIndexOf('/') + 1);
  }

  private static Album album(String id, List<Track> members) {
    List<Track> ordered = members.stream().sorted(ALBUM_ORDER).toList();
    Track first = ordered.get(0);
    String artist = albumArtistOf(first);
    return new Album(
        id,
        albumTitleOf(first),
        artist,
        Ids.artist(artist),
        ordered.stream()
            .map(t -> t.tags().year())
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null),
        ordered.stream()
            .map(t -> t.tags().genre())
            .filter(Objects::nonNull)
            .findFirst()
            .orElse(null),
        ordered.stream()
            .mapToLong(t -> Objects.requireNonNullElse(t.tags().durationMs(), 0L))
            .sum(),
        ordered.stream().filter(Track::hasCover).map(Track::id).findFirst().orElse(null),
        ordered);
  }

  private static Artist artist(String id, List<Album> albums) {
    return new Artist(
        id,
        albums.get(0).artist(),
        List.copyOf(albums),
        albums.stream().mapToInt(a -> a.tracks().size()).sum());
  }

  private static String searchText(Track t) {
    TrackTags g = t.tags();
    return Ids.fold(
        String.join(
            "\n",
            t.displayTitle(),
            Objects.toString(g.artist(), ""),
            Objects.toString(g.albumArtist(), ""),
            Objects.toString(g.album(), ""),
            Objects.toString(g.genre(), ""),
            t.path()));
  }

  /**
   * {@code items} ordered by folded name, then id; each name folded once, not at every comparison
   * (folding normalizes Unicode, the most of a sort's cost).
   */
  private static <T> List<T> byFoldedName(
      List<T> items, Function<T, String> name, Function<T, String> id) {
    record Keyed<T>(String name, String id, T item) {}
    return items.stream()
        .map(i -> new Keyed<>(Ids.fold(name.apply(i)), id.apply(i), i))
        .sorted(Comparator.comparing((Keyed<T> k) -> k.name()).thenComparing(Keyed::id))
        .map(Keyed::item)
        .toList();
  }

  /**
   * {@code items} by id: straight into the compact immutable map (a flat array, half the heap of a
   * {@code HashMap} at 100,000 entries), not through {@code toUnmodifiableMap}, which built a
   * {@code HashMap} first and then copied it. Fails on a duplicate id, as that did.
   */
  @SuppressWarnings("unchecked")
  private static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
    Map.Entry<String, T>[] entries = new Map.Entry[items.size()];
    for (int i = 0; i < entries.length; i++) {
      entries[i] = Map.entry(id.apply(items.get(i)), items.get(i));
    }
    return Map.ofEntries(entries);
  }

  private static <T extends Comparable<T>> Comparator<T> nullsLast() {
    return Comparator.nullsLast(Comparator.naturalOrder());
  }
}
