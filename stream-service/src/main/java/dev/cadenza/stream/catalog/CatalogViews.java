package dev.cadenza.stream.catalog;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.ScanReport;
import dev.cadenza.stream.library.ScanRequest;
import dev.cadenza.stream.library.Track;
import java.time.Instant;
import java.util.List;

/**
 * The JSON shapes of the catalogue API (docs/api.md); other APIs that show tracks, albums or
 * artists (playlists, stars) embed the same ones.
 */
public final class CatalogViews {

  private CatalogViews() {}

  /**
   * A track as JSON: the listing's fields, in {@link TrackEntry}'s order, then the URLs that follow
   * from the id ({@code hasCover} becomes {@code coverUrl}; the JSON carries no embedding code).
   */
  public record TrackView(
      @JsonUnwrapped @JsonIgnoreProperties({"hasCover", "embeddingCode"}) TrackEntry track,
      String streamUrl,
      String coverUrl) {

    public static TrackView of(Track t, Catalog catalog) {
      TrackEntry e = entry(t, catalog);
      String urls = "/api/v1/tracks/" + e.id();
      return new TrackView(e, urls + "/stream", e.hasCover() ? urls + "/cover" : null);
    }

    /** The same track in the compact binary listing (its URLs follow from the id). */
    static TrackEntry entry(Track t, Catalog catalog) {
      return TrackEntry.builder()
          .id(t.id())
          .tags(t.tags().withTitle(t.displayTitle()))
          .format(t.format().id())
          .contentType(t.format().contentType())
          .size(t.size())
          .audio(t.audio())
          .path(t.path())
          .albumId(catalog.albumIdOf(t))
          .artistId(Ids.artist(Catalog.albumArtistOf(t)))
          .hasCover(t.hasCover())
          .build();
    }
  }

  public record AlbumView(
      String id,
      String title,
      String artist,
      String artistId,
      Integer year,
      String genre,
      int trackCount,
      long durationMs,
      String coverUrl,
      List<TrackView> tracks) {

    public static AlbumView summary(Album a) {
      return of(a, null);
    }

    static AlbumView of(Album a, Catalog withTracks) {
      return new AlbumView(
          a.id(),
          a.title(),
          a.artist(),
          a.artistId(),
          a.year(),
          a.genre(),
          a.tracks().size(),
          a.durationMs(),
          a.coverTrackId() == null ? null : "/api/v1/tracks/" + a.coverTrackId() + "/cover",
          withTracks == null
              ? null
              : a.tracks().stream().map(t -> TrackView.of(t, withTracks)).toList());
    }
  }

  public record ArtistView(
      String id, String name, int albumCount, int trackCount, List<AlbumView> albums) {

    public static ArtistView of(Artist a, boolean withAlbums) {
      return new ArtistView(
          a.id(),
          a.name(),
          a.albums().size(),
          a.trackCount(),
          withAlbums ? a.albums().stream().map(AlbumView::summary).toList() : null);
    }
  }

  record PageView<T>(List<T> items, String next) {}

  record LibraryView(int tracks, int albums, int artists, boolean scanning, ScanView lastScan) {}

  /** {@code POST /library/scan}: the library as {@code GET /library} shows it, and the request. */
  record ScanAcceptedView(@JsonUnwrapped LibraryView library, ScanRequestView scan) {}

  /** How a scan request was taken: {@code started}, {@code queued} or {@code joined}. */
  record ScanRequestView(long id, String status) {

    static ScanRequestView of(ScanRequest request) {
      return new ScanRequestView(request.id(), request.outcome().label());
    }
  }

  record ScanView(
      Instant startedAt,
      long durationMs,
      int files,
      int added,
      int changed,
      int removed,
      int skipped,
      int ignored,
      List<ScanReport.SkippedFile> skippedFiles) {

    static ScanView of(ScanReport r) {
      return new ScanView(
          r.startedAt(),
          r.duration().toMillis(),
          r.files(),
          r.added(),
          r.changed(),
          r.removed(),
          r.skippedCount(),
          r.ignored(),
          r.skipped());
    }
  }
}
