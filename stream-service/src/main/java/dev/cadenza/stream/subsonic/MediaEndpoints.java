package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Lyrics;
import dev.cadenza.stream.library.TagReader;
import dev.cadenza.stream.library.Track;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Covers and lyrics: {@code getCoverArt} (of a song, album or artist id, optionally scaled), {@code
 * getLyrics} (by artist and title) and {@code getLyricsBySongId} (the {@code songLyrics}
 * extension), both from the lyrics the file's tags embed. {@code stream} and {@code download} are
 * {@link SubsonicStreamRoute}'s.
 */
@Component
class MediaEndpoints implements SubsonicEndpoints {

  private final SubsonicCatalog catalog;
  private final CoverImages covers;
  private final TagReader tagReader;

  MediaEndpoints(SubsonicCatalog catalog, CoverImages covers, TagReader tagReader) {
    this.catalog = catalog;
    this.covers = covers;
    this.tagReader = tagReader;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("getCoverArt", this::coverArt);
    registry.add("getLyrics", this::lyrics);
    registry.add("getLyricsBySongId", this::lyricsBySongId);
  }

  private Mono<SubsonicReply> coverArt(SubsonicCall call) {
    String id = call.params().required("id");
    int size = call.params().integer("size", 0);
    Track track = coverTrack(catalog.current().catalog(), id);
    return Mono.fromCallable(() -> covers.cover(track, size))
        .subscribeOn(Schedulers.boundedElastic())
        .map(
            cover ->
                cover
                    .<SubsonicReply>map(
                        c ->
                            new SubsonicReply.Binary(
                                c.data(),
                                c.mediaType(),
                                "\"" + track.etag().replace("\"", "") + "-" + size + "\""))
                    .orElseThrow(
                        () ->
                            new SubsonicError(
                                SubsonicError.NOT_FOUND,
                                "No cover art for '" + SubsonicError.quote(id) + "'")));
  }

  /** The track whose cover stands for the song, album or artist {@code id}; error 70 if none. */
  private static Track coverTrack(Catalog catalog, String id) {
    Optional<Track> track = catalog.track(id);
    if (track.isPresent()) {
      return track.get();
    }
    Optional<Album> album = catalog.album(id);
    if (album.isPresent()) {
      return CoverImages.coverTrack(album.get());
    }
    Optional<Artist> artist = catalog.artist(id);
    if (artist.isPresent()) {
      return CoverImages.coverTrack(artist.get());
    }
    throw new SubsonicError(
        SubsonicError.NOT_FOUND,
        "No song, album or artist has id '" + SubsonicError.quote(id) + "'");
  }

  /** The tag's lyrics, parsed; read off the event loop. */
  private Mono<List<Lyrics>> embedded(Track track) {
    return Mono.fromCallable(
            () ->
                tagReader.lyrics(track.file(), track.format()).stream().map(Lyrics::parse).toList())
        .subscribeOn(Schedulers.boundedElastic())
        .onErrorMap(
            TagReader.UnreadableFileException.class,
            e -> SubsonicError.generic("The file of song '" + track.id() + "' cannot be read"));
  }

  private Mono<SubsonicReply> lyricsBySongId(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Track track = snapshot.track(call.params().required("id"));
    String artist = artistOf(snapshot, track);
    return embedded(track)
        .map(
            all ->
                SubsonicReply.of(
                    Node.of("lyricsList")
                        .list(
                            "structuredLyrics",
                            all.stream()
                                .map(
                                    l ->
                                        Node.of("structuredLyrics")
                                            .attr("displayArtist", artist)
                                            .attr("displayTitle", track.displayTitle())
                                            .attr("lang", "xxx")
                                            .attr("offset", l.offsetMs())
                                            .attr("synced", l.synced())
                                            .array(
                                                "line",
                                                l.lines().stream()
                                                    .map(
                                                        line ->
                                                            Node.of("line")
                                                                .attr("start", line.startMs())
                                                                .text(line.text()))
                                                    .toList()))
                                .toList())));
  }

  private record SongLyrics(Track track, List<Lyrics> lyrics) {}

  private static String artistOf(SubsonicCatalog.Snapshot snapshot, Track track) {
    return track.tags().artist() != null ? track.tags().artist() : snapshot.albumOf(track).artist();
  }

  /** The first song by {@code artist} titled {@code title} that has lyrics; empty if none. */
  private Mono<SubsonicReply> lyrics(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    String artist = call.params().optional("artist").map(Ids::fold).orElse("");
    String title = call.params().optional("title").map(Ids::fold).orElse("");
    List<Track> candidates =
        title.isEmpty()
            ? List.of()
            : snapshot.catalog().tracks().stream()
                .filter(t -> Ids.fold(t.displayTitle()).equals(title))
                .filter(
                    t ->
                        artist.isEmpty()
                            || (t.tags().artist() != null
                                && Ids.fold(t.tags().artist()).equals(artist))
                            || Ids.fold(snapshot.albumOf(t).artist()).equals(artist))
                .limit(5)
                .toList();
    return Flux.fromIterable(candidates)
        .concatMap(t -> embedded(t).map(all -> new SongLyrics(t, all)))
        .filter(found -> !found.lyrics().isEmpty())
        .next()
        .map(
            found ->
                SubsonicReply.of(
                    Node.of("lyrics")
                        .attr("artist", artistOf(snapshot, found.track()))
                        .attr("title", found.track().displayTitle())
                        .text(found.lyrics().get(0).plainText())))
        .defaultIfEmpty(SubsonicReply.of(Node.of("lyrics")));
  }
}
