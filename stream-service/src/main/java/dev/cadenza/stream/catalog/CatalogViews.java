package dev.cadenza.stream.catalog;

import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Artist;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.ScanReport;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.library.TrackTags;
import java.time.Instant;
import java.util.List;

/** The JSON shapes of the catalogue API (docs/api.md). */
final class CatalogViews {

  private CatalogViews() {}

  record TrackView(
      String id,
      String title,
      String artist,
      String album,
      String albumArtist,
      Integer trackNumber,
      Integer discNumber,
      Integer year,
      String genre,
      Long durationMs,
      String format,
      String contentType,
      long size,
      Integer bitrate,
      Integer sampleRate,
      Integer channels,
      String codec,
      String path,
      String albumId,
      String artistId,
      String streamUrl,
      String coverUrl) {

    static TrackView of(Track t, Catalog catalog) {
      TrackEntry e = entry(t, catalog);
      return new TrackView(
          e.id(),
          e.title(),
          e.artist(),
          e.album(),
          e.albumArtist(),
          e.trackNumber(),
          e.discNumber(),
          e.year(),
          e.genre(),
          e.durationMs(),
          e.format(),
          e.contentType(),
          e.size(),
          e.bitrate(),
          e.sampleRate(),
          e.channels(),
          e.codec(),
          e.path(),
          e.albumId(),
          e.artistId(),
          "/api/v1/tracks/" + e.id() + "/stream",
          e.hasCover() ? "/api/v1/tracks/" + e.id() + "/cover" : null);
    }

    /** The same track in the compact binary listing (its URLs follow from the id). */
    static TrackEntry entry(Track t, Catalog catalog) {
      TrackTags g = t.tags();
      return new TrackEntry(
          t.id(),
          t.displayTitle(),
          g.artist(),
          g.album(),
          g.albumArtist(),
          g.trackNumber(),
          g.discNumber(),
          g.year(),
          g.genre(),
          g.durationMs(),
          t.format().id(),
          t.format().contentType(),
          t.size(),
          g.bitrate(),
          g.sampleRate(),
          g.channels(),
          g.codec(),
          t.path(),
          catalog.albumIdOf(t),
          Ids.artist(Catalog.albumArtistOf(t)),
          g.hasCover(),
          null);
    }
  }

  record AlbumView(
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

    static AlbumView summary(Album a) {
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

  record ArtistView(
      String id, String name, int albumCount, int trackCount, List<AlbumView> albums) {

    static ArtistView of(Artist a, boolean withAlbums) {
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
