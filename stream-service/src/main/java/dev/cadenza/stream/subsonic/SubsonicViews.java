package dev.cadenza.stream.subsonic;

import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.listening.ItemKind;
import dev.cadenza.stream.subsonic.UserAnnotations.Annotation;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Songs, albums and artists as the spec's elements: {@code Child} (a song, or an album as a
 * folder), {@code AlbumID3}, {@code ArtistID3} and the legacy {@code Artist}. Every method takes a
 * whole page of items and asks {@link UserAnnotations} once for the listener's stars, ratings and
 * plays on all of them.
 *
 * <p>Folders are emulated as Navidrome does: the music folder holds artists (album artists), an
 * artist's folder its albums, an album's folder its songs; so a song's {@code parent} is its album
 * and an album's its artist. Every id is the catalogue's: track, album and artist ids never
 * collide, and each is also the item's {@code coverArt} id.
 */
@Component
public class SubsonicViews {

  private final UserAnnotations annotations;

  public SubsonicViews(ObjectProvider<UserAnnotations> annotations) {
    this.annotations = annotations.getIfAvailable(() -> UserAnnotations.NONE);
  }

  /** Songs as {@code Child} elements named {@code element} ({@code song}, {@code child}...). */
  public Mono<List<Node>> songs(
      String element, SubsonicCatalog.Snapshot catalog, List<Track> tracks, Listener listener) {
    return annotated(
        listener, ItemKind.TRACK, tracks, Track::id, (t, a) -> song(element, catalog, t, a));
  }

  /** Albums as {@code AlbumID3} elements. */
  public Mono<List<Node>> albums(
      String element, SubsonicCatalog.Snapshot catalog, List<Album> albums, Listener listener) {
    return annotated(
        listener, ItemKind.ALBUM, albums, Album::id, (al, a) -> album(element, catalog, al, a));
  }

  /** Albums as folders: {@code Child} elements with {@code isDir="true"}. */
  public Mono<List<Node>> albumFolders(
      String element, SubsonicCatalog.Snapshot catalog, List<Album> albums, Listener listener) {
    return annotated(
        listener,
        ItemKind.ALBUM,
        albums,
        Album::id,
        (al, a) -> albumFolder(element, catalog, al, a));
  }

  /** Artists as {@code ArtistID3} elements. */
  public Mono<List<Node>> artists(String element, List<Artist> artists, Listener listener) {
    return annotated(
        listener, ItemKind.ARTIST, artists, Artist::id, (ar, a) -> artist(element, ar, a));
  }

  /** Artists as the legacy {@code Artist} elements (folder browsing, search2). */
  public Mono<List<Node>> artistFolders(String element, List<Artist> artists, Listener listener) {
    return annotated(
        listener,
        ItemKind.ARTIST,
        artists,
        Artist::id,
        (ar, a) ->
            Node.of(element)
                .attr("id", ar.id())
                .attr("name", ar.name())
                .attr("starred", a.starred())
                .attr("userRating", a.rating()));
  }

  /** The annotations of one item (a directory, an album page's header). */
  public Mono<Annotation> annotation(Listener listener, ItemKind kind, String id) {
    return annotations
        .of(listener, kind, List.of(id))
        .map(found -> found.getOrDefault(id, Annotation.NONE));
  }

  private <T> Mono<List<Node>> annotated(
      Listener listener,
      ItemKind kind,
      List<T> items,
      Function<T, String> id,
      BiFunction<T, Annotation, Node> render) {
    if (items.isEmpty()) {
      return Mono.just(List.of());
    }
    return annotations
        .of(listener, kind, items.stream().map(id).toList())
        .map(
            (Map<String, Annotation> found) ->
                items.stream()
                    .map(i -> render.apply(i, found.getOrDefault(id.apply(i), Annotation.NONE)))
                    .toList());
  }

  Node song(String element, SubsonicCatalog.Snapshot catalog, Track t, Annotation a) {
    Album album = catalog.albumOf(t);
    String artist = t.tags().artist() != null ? t.tags().artist() : album.artist();
    Long durationMs = t.tags().durationMs();
    return Node.of(element)
        .attr("id", t.id())
        .attr("parent", album.id())
        .attr("isDir", false)
        .attr("title", t.displayTitle())
        .attr("album", album.title())
        .attr("artist", artist)
        .attr("track", t.tags().trackNumber())
        .attr("year", t.tags().year())
        .attr("genre", t.tags().genre())
        .attr("coverArt", t.id())
        .attr("size", t.size())
        .attr("contentType", t.format().contentType())
        .attr("suffix", suffix(t))
        .attr("starred", a.starred())
        .attr("duration", durationMs == null ? null : (int) Math.round(durationMs / 1000.0))
        .attr("bitRate", t.audio().bitrate())
        .attr("samplingRate", t.audio().sampleRate())
        .attr("channelCount", t.audio().channels())
        .attr("path", t.path())
        .attr("userRating", a.rating())
        .attr("playCount", a.playCount())
        .attr("played", a.played())
        .attr("discNumber", t.tags().discNumber())
        .attr("created", t.lastModified())
        .attr("albumId", album.id())
        .attr("artistId", album.artistId())
        .attr("type", "music")
        .attr("mediaType", "song")
        .attr("isVideo", false)
        .attr("displayArtist", artist)
        .attr("displayAlbumArtist", album.artist())
        .array("genres", genres(t.tags().genre()))
        .array("albumArtists", List.of(artistRef(album.artistId(), album.artist())))
        .child(replayGain(t.tags().replayGain()));
  }

  Node album(String element, SubsonicCatalog.Snapshot catalog, Album al, Annotation a) {
    return Node.of(element)
        .attr("id", al.id())
        .attr("name", al.title())
        .attr("artist", al.artist())
        .attr("artistId", al.artistId())
        .attr("coverArt", al.id())
        .attr("songCount", al.tracks().size())
        .attr("duration", (int) Math.round(al.durationMs() / 1000.0))
        .attr("playCount", a.playCount())
        .attr("created", catalog.created(al))
        .attr("starred", a.starred())
        .attr("year", al.year())
        .attr("genre", al.genre())
        .attr("played", a.played())
        .attr("userRating", a.rating())
        .attr("displayArtist", al.artist())
        .array("genres", genres(al.genre()))
        .array("artists", List.of(artistRef(al.artistId(), al.artist())));
  }

  Node albumFolder(String element, SubsonicCatalog.Snapshot catalog, Album al, Annotation a) {
    return Node.of(element)
        .attr("id", al.id())
        .attr("parent", al.artistId())
        .attr("isDir", true)
        .attr("title", al.title())
        .attr("name", al.title())
        .attr("album", al.title())
        .attr("artist", al.artist())
        .attr("year", al.year())
        .attr("genre", al.genre())
        .attr("coverArt", al.id())
        .attr("duration", (int) Math.round(al.durationMs() / 1000.0))
        .attr("songCount", al.tracks().size())
        .attr("starred", a.starred())
        .attr("userRating", a.rating())
        .attr("playCount", a.playCount())
        .attr("played", a.played())
        .attr("created", catalog.created(al))
        .attr("albumId", al.id())
        .attr("artistId", al.artistId())
        .attr("mediaType", "album")
        .attr("isVideo", false);
  }

  Node artist(String element, Artist ar, Annotation a) {
    return Node.of(element)
        .attr("id", ar.id())
        .attr("name", ar.name())
        .attr("coverArt", ar.id())
        .attr("albumCount", ar.albums().size())
        .attr("starred", a.starred())
        .attr("userRating", a.rating());
  }

  /**
   * OpenSubsonic's {@code ReplayGain}: on every song, empty when the file has none, with only the
   * values the file gives; {@code baseGain} is an Opus header's output gain.
   */
  private static Node replayGain(ReplayGain gain) {
    return Node.of("replayGain")
        .attr("trackGain", gain.trackGain())
        .attr("albumGain", gain.albumGain())
        .attr("trackPeak", gain.trackPeak())
        .attr("albumPeak", gain.albumPeak())
        .attr("baseGain", gain.baseGain());
  }

  private static Node artistRef(String id, String name) {
    return Node.of("artist").attr("id", id).attr("name", name);
  }

  private static List<Node> genres(String genre) {
    return genre == null ? List.of() : List.of(Node.of("genre").attr("name", genre));
  }

  /** The file's extension, lower case: what the client will get from {@code stream}. */
  static String suffix(Track t) {
    String name = t.path().substring(t.path().lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot < 0 ? t.format().id() : name.substring(dot + 1).toLowerCase(Locale.ROOT);
  }
}
