package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.listening.Annotation;
import dev.cadenza.stream.listening.ItemKind;
import dev.cadenza.stream.listening.Listening;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A listener's stars and ratings: {@code star}, {@code unstar}, {@code setRating}, {@code
 * getStarred} (folders) and {@code getStarred2} (ID3), over {@link Listening}.
 *
 * <p>An {@code id} may be a song, an album or an artist (catalogue ids never collide, and old
 * clients star folders by {@code id}); {@code albumId} and {@code artistId} name albums and
 * artists. Every id is resolved before anything is written, so an unknown one (error 70) changes
 * nothing.
 */
@Component
class AnnotationEndpoints implements SubsonicEndpoints {

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;
  private final Listening listening;

  AnnotationEndpoints(SubsonicCatalog catalog, SubsonicViews views, Listening listening) {
    this.catalog = catalog;
    this.views = views;
    this.listening = listening;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("star", call -> star(call, true));
    registry.add("unstar", call -> star(call, false));
    registry.add("setRating", this::setRating);
    registry.add("getStarred", call -> starred(call, false));
    registry.add("getStarred2", call -> starred(call, true));
  }

  /** One catalogue item to change: its kind, or null for an id the catalogue does not have. */
  private record Target(ItemKind kind, String id) {}

  private Mono<SubsonicReply> star(SubsonicCall call, boolean star) {
    SubsonicParams params = call.params();
    Catalog c = catalog.current().catalog();
    List<Target> targets = new ArrayList<>();
    for (String id : params.values("id")) {
      targets.add(new Target(kindOf(c, id).orElse(null), id));
    }
    params.values("albumId").forEach(id -> targets.add(new Target(ItemKind.ALBUM, id)));
    params.values("artistId").forEach(id -> targets.add(new Target(ItemKind.ARTIST, id)));
    if (targets.isEmpty()) {
      throw SubsonicError.missing("id, albumId or artistId");
    }
    for (Target t : targets) {
      boolean known = t.kind() != null && t.kind().exists(c, t.id());
      // a star needs the item; a star can be taken off an item that has left the library
      if (!known && (star || !Ids.ID.matcher(t.id()).matches())) {
        throw SubsonicError.notFound(t.kind() == null ? "item" : t.kind().key(), t.id());
      }
    }
    String user = call.listener().id();
    return Flux.fromIterable(targets)
        .concatMap(
            t -> {
              if (t.kind() == null) {
                // unknown to the catalogue now: it was a song, an album or an artist
                return Flux.fromArray(ItemKind.values())
                    .concatMap(kind -> listening.unstar(user, kind, t.id()));
              }
              return star
                  ? listening.star(user, t.kind(), t.id())
                  : listening.unstar(user, t.kind(), t.id());
            })
        .then(Mono.just(SubsonicReply.ok()));
  }

  private Mono<SubsonicReply> setRating(SubsonicCall call) {
    SubsonicParams params = call.params();
    String id = params.required("id");
    int rating = params.requiredInteger("rating");
    if (rating < 0 || rating > 5) {
      throw SubsonicError.invalid("rating", Integer.toString(rating), "0 to 5");
    }
    String user = call.listener().id();
    Optional<ItemKind> kind = kindOf(catalog.current().catalog(), id);
    if (kind.isPresent()) {
      return listening.rate(user, kind.get(), id, rating).thenReturn(SubsonicReply.ok());
    }
    if (rating != 0 || !Ids.ID.matcher(id).matches()) {
      throw SubsonicError.notFound("song, album or artist", id);
    }
    // clearing the rating of an item that has left the library
    return Flux.fromArray(ItemKind.values())
        .concatMap(k -> listening.rate(user, k, id, 0))
        .then(Mono.just(SubsonicReply.ok()));
  }

  private Mono<SubsonicReply> starred(SubsonicCall call, boolean id3) {
    BrowsingEndpoints.checkMusicFolder(call.params());
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Catalog c = snapshot.catalog();
    Listener listener = call.listener();
    Mono<List<Artist>> artists =
        starredIds(listener, ItemKind.ARTIST).map(ids -> present(ids, c::artist));
    Mono<List<Album>> albums =
        starredIds(listener, ItemKind.ALBUM).map(ids -> present(ids, c::album));
    Mono<List<Track>> songs =
        starredIds(listener, ItemKind.TRACK).map(ids -> present(ids, c::track));
    return Mono.zip(artists, albums, songs)
        .flatMap(
            found ->
                Mono.zip(
                    id3
                        ? views.artists("artist", found.getT1(), listener)
                        : views.artistFolders("artist", found.getT1(), listener),
                    id3
                        ? views.albums("album", snapshot, found.getT2(), listener)
                        : views.albumFolders("album", snapshot, found.getT2(), listener),
                    views.songs("song", snapshot, found.getT3(), listener)))
        .map(
            nodes ->
                SubsonicReply.of(
                    Node.of(id3 ? "starred2" : "starred")
                        .list("artist", nodes.getT1())
                        .list("album", nodes.getT2())
                        .list("song", nodes.getT3())));
  }

  private Mono<List<String>> starredIds(Listener listener, ItemKind kind) {
    return listening.starred(listener.id(), kind).map(Annotation::id).collectList();
  }

  /** The items of {@code ids} the catalogue has, in order. */
  static <T> List<T> present(List<String> ids, Function<String, Optional<T>> lookup) {
    return ids.stream().map(lookup).flatMap(Optional::stream).toList();
  }

  /** What a catalogue id names now: a song, an album or an artist. */
  static Optional<ItemKind> kindOf(Catalog c, String id) {
    for (ItemKind kind : ItemKind.values()) {
      if (kind.exists(c, id)) {
        return Optional.of(kind);
      }
    }
    return Optional.empty();
  }
}
