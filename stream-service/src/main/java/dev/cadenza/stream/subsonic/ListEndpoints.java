package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.listening.Annotation;
import dev.cadenza.stream.listening.ItemKind;
import dev.cadenza.stream.listening.Listening;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Lists: {@code getAlbumList} (albums as folders) and {@code getAlbumList2} (ID3), {@code
 * getRandomSongs} and {@code getSongsByGenre}.
 *
 * <p>The list types {@code highest}, {@code frequent}, {@code recent} and {@code starred} rank the
 * albums the listener rated, played or starred ({@link Listening#list}).
 */
@Component
class ListEndpoints implements SubsonicEndpoints {

  /** The spec's largest page for these lists. */
  static final int MAX_SIZE = 500;

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;
  private final Listening listening;

  ListEndpoints(SubsonicCatalog catalog, SubsonicViews views, Listening listening) {
    this.catalog = catalog;
    this.views = views;
    this.listening = listening;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("getAlbumList", call -> albumList(call, false));
    registry.add("getAlbumList2", call -> albumList(call, true));
    registry.add("getRandomSongs", this::randomSongs);
    registry.add("getSongsByGenre", this::songsByGenre);
  }

  private Mono<SubsonicReply> albumList(SubsonicCall call, boolean id3) {
    SubsonicParams params = call.params();
    BrowsingEndpoints.checkMusicFolder(params);
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    String type = params.required("type");
    int size = params.bounded("size", 10, 0, MAX_SIZE);
    int offset = params.bounded("offset", 0, 0, Integer.MAX_VALUE);
    List<Album> albums =
        switch (type) {
          case "random" -> Pages.sample(snapshot.catalog().albums(), size);
          case "newest" -> Pages.page(snapshot.newestAlbums(), offset, size);
          case "alphabeticalByName" -> Pages.page(snapshot.catalog().albums(), offset, size);
          case "alphabeticalByArtist" -> Pages.page(snapshot.albumsByArtist(), offset, size);
          case "byYear" -> Pages.page(byYear(snapshot, params), offset, size);
          case "byGenre" -> {
            String genre = Ids.fold(params.required("genre"));
            yield Pages.page(
                snapshot.catalog().albums().stream()
                    .filter(a -> a.genre() != null && Ids.fold(a.genre()).equals(genre))
                    .toList(),
                offset,
                size);
          }
          case "highest", "frequent", "recent", "starred" -> null;
          default ->
              throw SubsonicError.invalid(
                  "type",
                  type,
                  "random, newest, highest, frequent, recent, alphabeticalByName,"
                      + " alphabeticalByArtist, starred, byYear or byGenre");
        };
    Mono<List<Album>> page =
        albums != null ? Mono.just(albums) : ranked(call, snapshot, RANKED.get(type), offset, size);
    String element = id3 ? "albumList2" : "albumList";
    return page.flatMap(
            list ->
                id3
                    ? views.albums("album", snapshot, list, call.listener())
                    : views.albumFolders("album", snapshot, list, call.listener()))
        .map(nodes -> SubsonicReply.of(Node.of(element).list("album", nodes)));
  }

  /** The list types that rank by the listener's own data. */
  private static final Map<String, Listening.Order> RANKED =
      Map.of(
          "highest", Listening.Order.HIGHEST_RATED,
          "frequent", Listening.Order.MOST_PLAYED,
          "recent", Listening.Order.RECENTLY_PLAYED,
          "starred", Listening.Order.STARRED);

  /** A page of the listener's albums in {@code order} (those still in the library). */
  private Mono<List<Album>> ranked(
      SubsonicCall call,
      SubsonicCatalog.Snapshot snapshot,
      Listening.Order order,
      int offset,
      int size) {
    return listening
        .list(call.listener().id(), ItemKind.ALBUM, order)
        .skip(offset)
        .take(size)
        .map(Annotation::id)
        .collectList()
        .map(ids -> AnnotationEndpoints.present(ids, snapshot.catalog()::album));
  }

  /** Albums from {@code fromYear} to {@code toYear}, in that order (descending if from > to). */
  private static List<Album> byYear(SubsonicCatalog.Snapshot snapshot, SubsonicParams params) {
    int from = params.requiredInteger("fromYear");
    int to = params.requiredInteger("toYear");
    int low = Math.min(from, to);
    int high = Math.max(from, to);
    Comparator<Album> byYear =
        Comparator.comparing(Album::year).thenComparing(a -> Ids.fold(a.title()));
    return snapshot.catalog().albums().stream()
        .filter(a -> a.year() != null && a.year() >= low && a.year() <= high)
        .sorted(from <= to ? byYear : byYear.reversed())
        .toList();
  }

  private Mono<SubsonicReply> randomSongs(SubsonicCall call) {
    SubsonicParams params = call.params();
    BrowsingEndpoints.checkMusicFolder(params);
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    int size = params.bounded("size", 10, 0, MAX_SIZE);
    Predicate<Track> filter = t -> true;
    String genre = params.optional("genre").filter(g -> !g.isBlank()).map(Ids::fold).orElse(null);
    if (genre != null) {
      filter =
          filter.and(t -> t.tags().genre() != null && Ids.fold(t.tags().genre()).equals(genre));
    }
    Integer fromYear =
        params.optional("fromYear").isPresent() ? params.integer("fromYear", 0) : null;
    Integer toYear = params.optional("toYear").isPresent() ? params.integer("toYear", 0) : null;
    if (fromYear != null) {
      filter = filter.and(t -> t.tags().year() != null && t.tags().year() >= fromYear);
    }
    if (toYear != null) {
      filter = filter.and(t -> t.tags().year() != null && t.tags().year() <= toYear);
    }
    List<Track> candidates =
        genre == null && fromYear == null && toYear == null
            ? snapshot.catalog().tracks()
            : snapshot.catalog().tracks().stream().filter(filter).toList();
    return views
        .songs("song", snapshot, Pages.sample(candidates, size), call.listener())
        .map(songs -> SubsonicReply.of(Node.of("randomSongs").list("song", songs)));
  }

  private Mono<SubsonicReply> songsByGenre(SubsonicCall call) {
    SubsonicParams params = call.params();
    BrowsingEndpoints.checkMusicFolder(params);
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    String genre = Ids.fold(params.required("genre"));
    int count = params.bounded("count", 10, 0, MAX_SIZE);
    int offset = params.bounded("offset", 0, 0, Integer.MAX_VALUE);
    List<Track> matching =
        snapshot.catalog().tracks().stream()
            .filter(
                t -> t.tags().genre() != null && Objects.equals(Ids.fold(t.tags().genre()), genre))
            .toList();
    return views
        .songs("song", snapshot, Pages.page(matching, offset, count), call.listener())
        .map(songs -> SubsonicReply.of(Node.of("songsByGenre").list("song", songs)));
  }
}
