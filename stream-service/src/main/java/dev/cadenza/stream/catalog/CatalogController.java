package dev.cadenza.stream.catalog;

import dev.cadenza.protocol.catalog.CatalogCodec;
import dev.cadenza.protocol.catalog.CatalogPage;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.stream.account.AccountProblems;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.catalog.CatalogViews.AlbumView;
import dev.cadenza.stream.catalog.CatalogViews.ArtistView;
import dev.cadenza.stream.catalog.CatalogViews.LibraryView;
import dev.cadenza.stream.catalog.CatalogViews.PageView;
import dev.cadenza.stream.catalog.CatalogViews.ScanAcceptedView;
import dev.cadenza.stream.catalog.CatalogViews.ScanRequestView;
import dev.cadenza.stream.catalog.CatalogViews.ScanView;
import dev.cadenza.stream.catalog.CatalogViews.TrackView;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.CoverArt;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.ScanRequest;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.metadata.TrackEmbeddings;
import dev.cadenza.stream.web.Problems;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.IntUnaryOperator;
import java.util.function.Predicate;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** The catalogue as JSON: tracks, albums, artists, covers and the library's scan state. */
@RestController
@RequestMapping(path = "/api/v1", produces = MediaType.APPLICATION_JSON_VALUE)
public class CatalogController {

  private final Library library;
  private final CoverArt coverArt;
  private final CadenzaProperties.Api api;
  private final JsonMapper json;
  private final TrackEmbeddings embeddings;

  public CatalogController(
      Library library,
      CoverArt coverArt,
      CadenzaProperties properties,
      JsonMapper json,
      TrackEmbeddings embeddings) {
    this.library = library;
    this.json = json;
    this.embeddings = embeddings;
    this.coverArt = coverArt;
    this.api = properties.api();
  }

  /**
   * Track listing: JSON by default; the compact binary format (docs/catalog-format.md) when the
   * request's {@code Accept} names it ahead of JSON.
   */
  @GetMapping(
      path = "/tracks",
      produces = {MediaType.APPLICATION_JSON_VALUE, CatalogCodec.MEDIA_TYPE})
  public ResponseEntity<byte[]> tracks(
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
      @RequestParam(required = false) String q,
      @RequestParam(required = false) String artist,
      @RequestParam(required = false) String album,
      @RequestParam(required = false) String genre,
      @RequestParam(required = false) String year,
      @RequestParam(required = false) String format,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    Catalog catalog = library.catalog();
    IntUnaryOperator hits =
        q == null || q.isBlank()
            ? i -> i
            : catalog.search(Arrays.asList(Ids.fold(q).split("\\s+")))::next;
    Predicate<Track> filter = t -> true;
    if (artist != null) {
      String name = Ids.fold(artist);
      filter =
          filter.and(
              t ->
                  artist.equals(Ids.artist(Catalog.albumArtistOf(t)))
                      || name.equals(fold(t.tags().artist()))
                      || name.equals(fold(t.tags().albumArtist())));
    }
    if (album != null) {
      String title = Ids.fold(album);
      filter =
          filter.and(
              t -> album.equals(catalog.albumIdOf(t)) || title.equals(fold(t.tags().album())));
    }
    if (genre != null) {
      String g = Ids.fold(genre);
      filter = filter.and(t -> g.equals(fold(t.tags().genre())));
    }
    if (year != null) {
      Integer y = Paging.integer("year", year);
      filter = filter.and(t -> y.equals(t.tags().year()));
    }
    if (format != null) {
      String f = format.toLowerCase(Locale.ROOT);
      filter = filter.and(t -> t.format().id().equals(f));
    }
    Paging.Request request = paging(limit, cursor);
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok().varyBy(HttpHeaders.ACCEPT);
    if (CompactListing.wanted(accept)) {
      PageView<TrackEntry> page =
          Paging.page(catalog.tracks(), hits, Track::path, filter, request, t -> entry(t, catalog));
      return ok.contentType(CompactListing.MEDIA_TYPE)
          .body(CatalogCodec.encode(new CatalogPage(page.items(), page.next())));
    }
    // bytes either way: one declared body type lets the Content-Type chosen here stand
    return ok.contentType(MediaType.APPLICATION_JSON)
        .body(
            json.writeValueAsBytes(
                Paging.page(
                    catalog.tracks(),
                    hits,
                    Track::path,
                    filter,
                    request,
                    t -> TrackView.of(t, catalog))));
  }

  /**
   * The tracks most like this one by embedding, most similar first: JSON with each similarity, or
   * the compact binary format (in that order, no cursor) when {@code Accept} asks for it.
   */
  @GetMapping(
      path = "/tracks/{id}/similar",
      produces = {MediaType.APPLICATION_JSON_VALUE, CatalogCodec.MEDIA_TYPE})
  public ResponseEntity<byte[]> similar(
      @PathVariable String id,
      @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept,
      @RequestParam(required = false) String limit) {
    Catalog catalog = library.catalog();
    Track track = catalog.track(id).orElseThrow(() -> Problems.trackNotFound(id));
    int n = Paging.Request.of(limit, null, SIMILAR_DEFAULT, api.maxPageSize()).limit();
    TrackEmbeddings.Similar similar = embeddings.similar(track, n);
    ResponseEntity.BodyBuilder ok = ResponseEntity.ok().varyBy(HttpHeaders.ACCEPT);
    if (CompactListing.wanted(accept)) {
      List<TrackEntry> entries =
          similar.tracks().stream().map(s -> entry(s.track(), catalog)).toList();
      return ok.contentType(CompactListing.MEDIA_TYPE)
          .body(CatalogCodec.encode(new CatalogPage(entries, null)));
    }
    return ok.contentType(MediaType.APPLICATION_JSON)
        .body(
            json.writeValueAsBytes(
                new SimilarView(
                    id,
                    similar.method(),
                    similar.tracks().stream()
                        .map(
                            s ->
                                new SimilarItem(
                                    Math.round(s.similarity() * 10000) / 10000.0,
                                    TrackView.of(s.track(), catalog)))
                        .toList())));
  }

  /** Results of {@code /similar} unless {@code limit} says otherwise. */
  static final int SIMILAR_DEFAULT = 10;

  /** {@code /similar}'s JSON: the query's id, how it was searched, the tracks. */
  record SimilarView(String track, String method, List<SimilarItem> items) {}

  /** One similar track, with its cosine similarity to the query (4 decimals). */
  record SimilarItem(double similarity, TrackView track) {}

  /** A track of the binary format, with its embedding's binary code when it has one. */
  private TrackEntry entry(Track t, Catalog catalog) {
    TrackEntry entry = TrackView.entry(t, catalog);
    return embeddings.code(t).map(entry::withEmbeddingCode).orElse(entry);
  }

  @GetMapping("/tracks/{id}")
  public TrackView track(@PathVariable String id) {
    Catalog catalog = library.catalog();
    return catalog
        .track(id)
        .map(t -> TrackView.of(t, catalog))
        .orElseThrow(() -> Problems.trackNotFound(id));
  }

  @GetMapping(path = "/tracks/{id}/cover", produces = MediaType.ALL_VALUE)
  public Mono<ResponseEntity<byte[]>> cover(@PathVariable String id) {
    Track track = library.track(id).orElseThrow(() -> Problems.trackNotFound(id));
    return Mono.fromCallable(() -> coverArt.of(track))
        .subscribeOn(Schedulers.boundedElastic())
        .map(
            cover ->
                cover
                    .map(
                        c ->
                            ResponseEntity.ok()
                                .contentType(MediaType.parseMediaType(c.mediaType()))
                                .cacheControl(CacheControl.noCache())
                                .eTag(track.etag().replace("\"", "") + "-cover")
                                .body(c.data()))
                    .orElseThrow(() -> Problems.coverNotFound(id)));
  }

  @GetMapping("/albums")
  public PageView<AlbumView> albums(
      @RequestParam(required = false) String q,
      @RequestParam(required = false) String artist,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    Predicate<Album> filter = a -> true;
    if (q != null && !q.isBlank()) {
      String needle = Ids.fold(q);
      filter = filter.and(a -> Ids.fold(a.title() + "\n" + a.artist()).contains(needle));
    }
    if (artist != null) {
      String name = Ids.fold(artist);
      filter = filter.and(a -> artist.equals(a.artistId()) || name.equals(Ids.fold(a.artist())));
    }
    return Paging.page(
        library.catalog().albums(),
        a -> Ids.fold(a.title()) + '\0' + a.id(),
        filter,
        paging(limit, cursor),
        AlbumView::summary);
  }

  @GetMapping("/albums/{id}")
  public AlbumView album(@PathVariable String id) {
    Catalog catalog = library.catalog();
    return catalog
        .album(id)
        .map(a -> AlbumView.of(a, catalog))
        .orElseThrow(() -> Problems.notFound("album", id));
  }

  @GetMapping("/artists")
  public PageView<ArtistView> artists(
      @RequestParam(required = false) String q,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String cursor) {
    Predicate<Artist> filter = a -> true;
    if (q != null && !q.isBlank()) {
      String needle = Ids.fold(q);
      filter = a -> Ids.fold(a.name()).contains(needle);
    }
    return Paging.page(
        library.catalog().artists(),
        a -> Ids.fold(a.name()) + '\0' + a.id(),
        filter,
        paging(limit, cursor),
        a -> ArtistView.of(a, false));
  }

  @GetMapping("/artists/{id}")
  public ArtistView artist(@PathVariable String id) {
    return library
        .catalog()
        .artist(id)
        .map(a -> ArtistView.of(a, true))
        .orElseThrow(() -> Problems.notFound("artist", id));
  }

  @GetMapping("/library")
  public LibraryView libraryState() {
    Catalog catalog = library.catalog();
    return new LibraryView(
        catalog.tracks().size(),
        catalog.albums().size(),
        catalog.artists().size(),
        library.scanning(),
        library.lastScan().map(ScanView::of).orElse(null));
  }

  /**
   * Asks for a rescan; {@code GET /library} shows when it is done. Requests coalesce ({@link
   * Library#requestScan}): the answer says whether this one started a scan, queued one behind the
   * running scan, or joined the one already queued.
   */
  @PostMapping("/library/scan")
  @ResponseStatus(HttpStatus.ACCEPTED)
  public ScanAcceptedView scan(Listener listener) {
    if (!listener.admin()) {
      throw AccountProblems.forbidden(
          "scan the library", "Only an admin may start a library scan.");
    }
    ScanRequest request = library.requestScan();
    return new ScanAcceptedView(libraryState(), ScanRequestView.of(request));
  }

  private Paging.Request paging(String limit, String cursor) {
    return Paging.Request.of(limit, cursor, api.defaultPageSize(), api.maxPageSize());
  }

  private static String fold(String value) {
    return value == null ? null : Ids.fold(value);
  }
}
