package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.listening.ItemKind;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Browsing by folder ({@code getIndexes}, {@code getMusicDirectory}: artist, then album, then
 * songs, as {@link SubsonicViews} says) and by tags ({@code getArtists}, {@code getArtist}, {@code
 * getAlbum}, {@code getSong}, {@code getGenres}).
 */
@Component
class BrowsingEndpoints implements SubsonicEndpoints {

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;

  BrowsingEndpoints(SubsonicCatalog catalog, SubsonicViews views) {
    this.catalog = catalog;
    this.views = views;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("getIndexes", this::indexes);
    registry.add("getMusicDirectory", this::musicDirectory);
    registry.add("getArtists", this::artists);
    registry.add("getArtist", this::artist);
    registry.add("getAlbum", this::album);
    registry.add("getSong", this::song);
    registry.add("getGenres", call -> Mono.just(genres()));
  }

  /** Checks {@code musicFolderId}, if given: there is one folder. */
  static void checkMusicFolder(SubsonicParams params) {
    params
        .optional("musicFolderId")
        .filter(id -> !id.isEmpty())
        .filter(id -> !id.equals(Integer.toString(SystemEndpoints.MUSIC_FOLDER_ID)))
        .ifPresent(
            id -> {
              throw SubsonicError.notFound("music folder", id);
            });
  }

  private Mono<SubsonicReply> indexes(SubsonicCall call) {
    checkMusicFolder(call.params());
    long lastModified = catalog.lastModifiedMillis();
    Node indexes =
        Node.of("indexes")
            .attr("lastModified", lastModified)
            .attr("ignoredArticles", SubsonicCatalog.IGNORED_ARTICLES);
    boolean unchanged =
        call.params()
            .longValue("ifModifiedSince")
            .map(since -> since >= lastModified)
            .orElse(false);
    if (unchanged) {
      return Mono.just(SubsonicReply.of(indexes));
    }
    return index(call.listener(), true)
        .map(index -> SubsonicReply.of(indexes.list("index", index)));
  }

  private Mono<SubsonicReply> artists(SubsonicCall call) {
    checkMusicFolder(call.params());
    return index(call.listener(), false)
        .map(
            index ->
                SubsonicReply.of(
                    Node.of("artists")
                        .attr("ignoredArticles", SubsonicCatalog.IGNORED_ARTICLES)
                        .list("index", index)));
  }

  /** The artist index: legacy {@code Artist} elements for folders, else {@code ArtistID3}. */
  private Mono<List<Node>> index(Listener listener, boolean folders) {
    List<SubsonicCatalog.IndexEntry> entries = catalog.current().artistIndex();
    List<Artist> all = entries.stream().flatMap(e -> e.artists().stream()).toList();
    Mono<List<Node>> rendered =
        folders
            ? views.artistFolders("artist", all, listener)
            : views.artists("artist", all, listener);
    return rendered.map(
        nodes -> {
          List<Node> index = new ArrayList<>(entries.size());
          int next = 0;
          for (SubsonicCatalog.IndexEntry e : entries) {
            List<Node> members = nodes.subList(next, next + e.artists().size());
            next += e.artists().size();
            index.add(Node.of("index").attr("name", e.name()).list("artist", members));
          }
          return index;
        });
  }

  /** An artist's folder holds their albums, an album's folder its songs. */
  private Mono<SubsonicReply> musicDirectory(SubsonicCall call) {
    String id = call.params().required("id");
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    var artist = snapshot.catalog().artist(id);
    if (artist.isPresent()) {
      Artist ar = artist.get();
      return views
          .annotation(call.listener(), ItemKind.ARTIST, ar.id())
          .zipWith(views.albumFolders("child", snapshot, ar.albums(), call.listener()))
          .map(
              t ->
                  SubsonicReply.of(
                      directory(ar.id(), null, ar.name(), t.getT1()).list("child", t.getT2())));
    }
    Album album = snapshot.album(id);
    return views
        .annotation(call.listener(), ItemKind.ALBUM, album.id())
        .zipWith(views.songs("child", snapshot, album.tracks(), call.listener()))
        .map(
            t ->
                SubsonicReply.of(
                    directory(album.id(), album.artistId(), album.title(), t.getT1())
                        .list("child", t.getT2())));
  }

  private static Node directory(
      String id, String parent, String name, UserAnnotations.Annotation a) {
    return Node.of("directory")
        .attr("id", id)
        .attr("parent", parent)
        .attr("name", name)
        .attr("starred", a.starred())
        .attr("userRating", a.rating())
        .attr("playCount", a.playCount());
  }

  private Mono<SubsonicReply> artist(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Artist ar = snapshot.artist(call.params().required("id"));
    return views
        .artists("artist", List.of(ar), call.listener())
        .zipWith(views.albums("album", snapshot, ar.albums(), call.listener()))
        .map(t -> SubsonicReply.of(t.getT1().get(0).list("album", t.getT2())));
  }

  private Mono<SubsonicReply> album(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Album al = snapshot.album(call.params().required("id"));
    return views
        .albums("album", snapshot, List.of(al), call.listener())
        .zipWith(views.songs("song", snapshot, al.tracks(), call.listener()))
        .map(t -> SubsonicReply.of(t.getT1().get(0).list("song", t.getT2())));
  }

  private Mono<SubsonicReply> song(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    return views
        .songs(
            "song",
            snapshot,
            List.of(snapshot.track(call.params().required("id"))),
            call.listener())
        .map(songs -> SubsonicReply.of(songs.get(0)));
  }

  private SubsonicReply genres() {
    return SubsonicReply.of(
        Node.of("genres")
            .list(
                "genre",
                catalog.current().genres().stream()
                    .map(
                        g ->
                            Node.of("genre")
                                .attr("songCount", g.songCount())
                                .attr("albumCount", g.albumCount())
                                .text(g.name()))
                    .toList()));
  }
}
