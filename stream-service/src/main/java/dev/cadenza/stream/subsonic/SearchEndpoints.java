package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.SearchHits;
import dev.cadenza.stream.library.Track;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code search2} (folders) and {@code search3} (ID3). An empty query ({@code query=} or {@code
 * query=""}) matches everything, so a client can sync the whole library page by page with the
 * offsets; otherwise every word of the query must appear, case- and accent-insensitively, in the
 * artist's name, the album's title or artist, or the song's title, artist, album (or genre, path).
 */
@Component
class SearchEndpoints implements SubsonicEndpoints {

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;

  SearchEndpoints(SubsonicCatalog catalog, SubsonicViews views) {
    this.catalog = catalog;
    this.views = views;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("search2", call -> search(call, false));
    registry.add("search3", call -> search(call, true));
  }

  /** A page of each kind. */
  private record Found(List<Artist> artists, List<Album> albums, List<Track> songs) {}

  private Mono<SubsonicReply> search(SubsonicCall call, boolean id3) {
    SubsonicParams params = call.params();
    BrowsingEndpoints.checkMusicFolder(params);
    if (!params.has("query")) {
      throw SubsonicError.missing("query");
    }
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    List<String> terms = terms(params.optional("query").orElse(""));
    Found found = find(snapshot.catalog(), terms, params);
    String element = id3 ? "searchResult3" : "searchResult2";
    Mono<List<Node>> artists =
        id3
            ? views.artists("artist", found.artists(), call.listener())
            : views.artistFolders("artist", found.artists(), call.listener());
    Mono<List<Node>> albums =
        id3
            ? views.albums("album", snapshot, found.albums(), call.listener())
            : views.albumFolders("album", snapshot, found.albums(), call.listener());
    Mono<List<Node>> songs = views.songs("song", snapshot, found.songs(), call.listener());
    return Mono.zip(artists, albums, songs)
        .map(
            t ->
                SubsonicReply.of(
                    Node.of(element)
                        .list("artist", t.getT1())
                        .list("album", t.getT2())
                        .list("song", t.getT3())));
  }

  private static Found find(Catalog catalog, List<String> terms, SubsonicParams params) {
    return new Found(
        page(catalog.artists(), terms, a -> Ids.fold(a.name()), params, "artist"),
        page(
            catalog.albums(), terms, a -> Ids.fold(a.title() + "\n" + a.artist()), params, "album"),
        songs(catalog, terms, params));
  }

  private static <T> List<T> page(
      List<T> all,
      List<String> terms,
      Function<T, String> text,
      SubsonicParams params,
      String kind) {
    int count = params.bounded(kind + "Count", 20, 0, Integer.MAX_VALUE);
    int offset = params.bounded(kind + "Offset", 0, 0, Integer.MAX_VALUE);
    if (count == 0) {
      return List.of();
    }
    List<T> matching =
        terms.isEmpty() ? all : all.stream().filter(i -> matches(text.apply(i), terms)).toList();
    return Pages.page(matching, offset, count);
  }

  /** Songs: the catalogue's search index finds them, in the order {@link #page} would. */
  private static List<Track> songs(Catalog catalog, List<String> terms, SubsonicParams params) {
    int count = params.bounded("songCount", 20, 0, Integer.MAX_VALUE);
    int offset = params.bounded("songOffset", 0, 0, Integer.MAX_VALUE);
    if (count == 0) {
      return List.of();
    }
    List<Track> tracks = catalog.tracks();
    SearchHits hits = catalog.search(terms);
    List<Track> songs = new ArrayList<>();
    int skipped = 0;
    for (int i = hits.next(0); i < tracks.size() && songs.size() < count; i = hits.next(i + 1)) {
      if (skipped < offset) {
        skipped++;
      } else {
        songs.add(tracks.get(i));
      }
    }
    return songs;
  }

  /**
   * The words of a query, folded. Quotes around it and a trailing {@code *} (what some clients
   * send) are dropped; an empty query has no words and matches everything.
   */
  static List<String> terms(String query) {
    String q = query.strip();
    if (q.length() >= 2 && q.startsWith("\"") && q.endsWith("\"")) {
      q = q.substring(1, q.length() - 1);
    }
    while (q.endsWith("*")) {
      q = q.substring(0, q.length() - 1);
    }
    q = Ids.fold(q);
    return q.isEmpty() ? List.of() : List.of(q.split("\\s+"));
  }

  private static boolean matches(String text, List<String> terms) {
    for (String term : terms) {
      if (!text.contains(term)) {
        return false;
      }
    }
    return true;
  }
}
