package dev.cadenza.stream.listening;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cadenza.stream.catalog.CatalogViews.AlbumView;
import dev.cadenza.stream.catalog.CatalogViews.ArtistView;
import dev.cadenza.stream.catalog.CatalogViews.TrackView;
import dev.cadenza.stream.library.Catalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON shapes of listeners' data (docs/api.md#listeners-music-data). Lists the listener built
 * (playlists, the queue, the history) keep entries whose track left the library, with {@code
 * "missing": true} and no {@code track}; listings by kind leave such items out.
 */
final class ListeningViews {

  private ListeningViews() {}

  /** The track, or null when the catalogue no longer has it. */
  private static TrackView trackOrNull(String id, Catalog c) {
    return c.track(id).map(t -> TrackView.of(t, c)).orElse(null);
  }

  /**
   * One item with what the listener did with it, and the item itself ({@code track}, {@code album}
   * or {@code artist}, by kind) when the catalogue has it.
   */
  record AnnotationView(
      String kind,
      String id,
      Instant starredAt,
      int rating,
      long playCount,
      Instant lastPlayedAt,
      @JsonInclude(JsonInclude.Include.NON_NULL) TrackView track,
      @JsonInclude(JsonInclude.Include.NON_NULL) AlbumView album,
      @JsonInclude(JsonInclude.Include.NON_NULL) ArtistView artist) {

    static AnnotationView of(Annotation a, Catalog c) {
      return new AnnotationView(
          a.kind().key(),
          a.id(),
          a.starredAt(),
          a.rating(),
          a.playCount(),
          a.lastPlayedAt(),
          a.kind() == ItemKind.TRACK ? trackOrNull(a.id(), c) : null,
          a.kind() == ItemKind.ALBUM ? c.album(a.id()).map(AlbumView::summary).orElse(null) : null,
          a.kind() == ItemKind.ARTIST
              ? c.artist(a.id()).map(x -> ArtistView.of(x, false)).orElse(null)
              : null);
    }
  }

  /** A page of a listing; {@code nextOffset} is null on the last page. */
  record ListView<T>(List<T> items, Integer nextOffset) {}

  /** One entry of a playlist, the queue or the history. */
  record EntryView(int index, String trackId, boolean missing, TrackView track) {

    static List<EntryView> of(List<String> trackIds, Catalog c) {
      List<EntryView> entries = new ArrayList<>(trackIds.size());
      for (String id : trackIds) {
        TrackView track = trackOrNull(id, c);
        entries.add(new EntryView(entries.size(), id, track == null, track));
      }
      return entries;
    }
  }

  record ScrobbleView(
      String trackId,
      Instant time,
      String client,
      boolean counted,
      boolean missing,
      TrackView track) {

    static ScrobbleView of(Scrobble s, Catalog c) {
      TrackView track = trackOrNull(s.trackId(), c);
      return new ScrobbleView(s.trackId(), s.time(), s.client(), s.counted(), track == null, track);
    }
  }

  record NowPlayingView(
      String username,
      String client,
      String trackId,
      Instant startedAt,
      Instant expiresAt,
      boolean missing,
      TrackView track) {

    static NowPlayingView of(NowPlaying p, Catalog c) {
      TrackView track = trackOrNull(p.trackId(), c);
      return new NowPlayingView(
          p.username(),
          p.client(),
          p.trackId(),
          p.startedAt(),
          p.expiresAt(),
          track == null,
          track);
    }
  }

  record QueueView(
      List<EntryView> entries,
      String current,
      long positionMs,
      String changedBy,
      Instant changedAt) {

    static QueueView of(PlayQueue q, Catalog c) {
      return new QueueView(
          EntryView.of(q.trackIds(), c), q.current(), q.positionMs(), q.changedBy(), q.changedAt());
    }
  }

  /** A playlist; {@code entries} only when it is shown by itself, not in the listing. */
  record PlaylistView(
      String id,
      String name,
      String comment,
      @JsonProperty("public") boolean isPublic,
      String owner,
      String ownerId,
      Instant createdAt,
      Instant changedAt,
      long version,
      int entryCount,
      long durationMs,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<EntryView> entries) {

    static PlaylistView summary(PlaylistSummary p) {
      return of(p, null);
    }

    static PlaylistView of(Playlist p, Catalog c) {
      return of(p.summary(), EntryView.of(p.trackIds(), c));
    }

    private static PlaylistView of(PlaylistSummary p, List<EntryView> entries) {
      return new PlaylistView(
          p.id(),
          p.name(),
          p.comment(),
          p.isPublic(),
          p.ownerName(),
          p.ownerId(),
          p.createdAt(),
          p.changedAt(),
          p.version(),
          p.entryCount(),
          p.durationMs(),
          entries);
    }
  }
}
