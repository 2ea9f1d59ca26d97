package dev.cadenza.stream.listening;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.web.IfMatch;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Each listener's music data, shared by every pod through the {@link ItemStore}: stars, ratings,
 * plays and their history, now playing, the play queue and playlists (docs/listening.md). The one
 * entry point for the native API ({@code /api/v1/me/...}, {@code /api/v1/playlists}) and the
 * OpenSubsonic API alike; neither touches the store.
 *
 * <p>Calls are keyed by the listener's id ({@link Listener#id()}) and catalogue ids. They fail with
 * RFC 9457 problems ({@link org.springframework.web.ErrorResponseException}): 404 for an id the
 * catalogue (or the listener's playlists) does not have, 400 for a value out of range, 403 for a
 * change to another listener's playlist, 412 for a stale {@code If-Match}, 409 when a change lost
 * too many races in a row, 503 when the store cannot be reached. Nothing here blocks.
 *
 * <p>Listings of stars, ratings and plays leave out items that are no longer in the catalogue (the
 * data stays, and shows again when the file comes back under the same path); playlists and the play
 * queue keep such entries in place, since their order and indices matter.
 */
public final class Listening {

  private final Supplier<Catalog> catalog;
  private final Clock clock;
  private final Annotations annotations;
  private final Scrobbles scrobbles;
  private final NowPlayingBoard nowPlaying;
  private final PlayQueues queues;
  private final Playlists playlists;

  /**
   * @param catalog the catalogue in service (ids are checked against it)
   * @param clock the time stars and plays are stamped with, and now playing expires by
   */
  public Listening(
      ItemStore store, Supplier<Catalog> catalog, Clock clock, ListeningSettings settings) {
    this.catalog = catalog;
    this.clock = clock;
    this.annotations = new Annotations(store);
    this.scrobbles =
        new Scrobbles(store, annotations, catalog, clock, settings.scrobbleRetention());
    this.nowPlaying = new NowPlayingBoard(store, catalog, clock);
    this.queues = new PlayQueues(store, catalog, clock);
    this.playlists = new Playlists(store, catalog, clock);
  }

  // --- stars and ratings ---------------------------------------------------------------------

  /** Stars an item of the catalogue; starring it again keeps the first time. */
  public Mono<Annotation> star(String userId, ItemKind kind, String id) {
    return guard(
        Mono.defer(
            () -> {
              checkExists(kind, id);
              Instant now = clock.instant();
              return annotations.update(userId, kind, id, a -> a.star(now));
            }));
  }

  /** Removes a star; no error when there was none, or when the item left the catalogue. */
  public Mono<Annotation> unstar(String userId, ItemKind kind, String id) {
    return guard(
        Mono.defer(
            () -> {
              checkId(kind, id);
              return annotations.update(userId, kind, id, Annotation::unstar);
            }));
  }

  /** Rates an item 1 to 5; 0 clears the rating (also for an item no longer in the catalogue). */
  public Mono<Annotation> rate(String userId, ItemKind kind, String id, int rating) {
    return guard(
        Mono.defer(
            () -> {
              if (rating < 0 || rating > 5) {
                throw ListeningProblems.invalid(
                    "rating", "A rating is 1 to 5, or 0 to clear it; got " + rating + ".");
              }
              if (rating != 0) {
                checkExists(kind, id);
              } else {
                checkId(kind, id);
              }
              return annotations.update(userId, kind, id, a -> a.rate(rating));
            }));
  }

  // --- reading annotations -------------------------------------------------------------------

  /** The listener's annotation of one item ({@link Annotation#none} when untouched). */
  public Mono<Annotation> annotation(String userId, ItemKind kind, String id) {
    return guard(
        Mono.defer(
            () -> {
              checkId(kind, id);
              return annotations.get(userId, kind, id);
            }));
  }

  /**
   * The annotations of a page of items (a song list, an album's tracks), for {@code starred},
   * {@code userRating}, {@code playCount} and {@code played}: ids without any are left out of the
   * map. One round of reads whatever the page's size.
   */
  public Mono<Map<String, Annotation>> annotations(
      String userId, ItemKind kind, Collection<String> ids) {
    return guard(annotations.of(userId, kind, ids));
  }

  /**
   * The listener's items of {@code kind} in {@code order} (starred, rated or played ones only), as
   * far as the catalogue still has them: {@code getStarred} and the album lists {@code starred},
   * {@code highest}, {@code frequent} and {@code recent}. Page with {@code skip}/{@code take}.
   */
  public Flux<Annotation> list(String userId, ItemKind kind, Order order) {
    return guard(
        Flux.defer(
            () -> {
              Catalog c = catalog.get();
              return annotations
                  .all(userId, kind)
                  .filter(order::includes)
                  .filter(a -> kind.exists(c, a.id()))
                  .sort(order.comparator);
            }));
  }

  /** Starred items of {@code kind}, newest star first. */
  public Flux<Annotation> starred(String userId, ItemKind kind) {
    return list(userId, kind, Order.STARRED);
  }

  /** The orders of {@link #list}; ties go to the lower id, so pages are stable. */
  public enum Order {
    /** Starred ones, newest star first. */
    STARRED(Comparator.comparing(Annotation::starredAt).reversed()),
    /** Rated ones, highest first. */
    HIGHEST_RATED(Comparator.comparingInt(Annotation::rating).reversed()),
    /** Played ones, most plays first. */
    MOST_PLAYED(Comparator.comparingLong(Annotation::playCount).reversed()),
    /** Played ones, latest play first. */
    RECENTLY_PLAYED(Comparator.comparing(Annotation::lastPlayedAt).reversed());

    private final Comparator<Annotation> comparator;

    Order(Comparator<Annotation> comparator) {
      this.comparator = comparator.thenComparing(Annotation::id);
    }

    boolean includes(Annotation a) {
      return switch (this) {
        case STARRED -> a.starred();
        case HIGHEST_RATED -> a.rating() > 0;
        case MOST_PLAYED, RECENTLY_PLAYED -> a.playCount() > 0 && a.lastPlayedAt() != null;
      };
    }
  }

  // --- plays ---------------------------------------------------------------------------------

  /**
   * Submits a play of a track at {@code time} (null: now), from the player {@code client}: kept in
   * the history, and counted once for the track, its album and its album artist. A repeated
   * submission of the same track and time (a player's retry) answers {@code counted: false} and
   * counts nothing. 400 for a time more than a day ahead or older than the retention.
   */
  public Mono<Scrobble> scrobble(String userId, String trackId, Instant time, String client) {
    return guard(scrobbles.submit(userId, trackId, time, client));
  }

  /** The listener's submitted plays, newest first, at most {@code limit}. */
  public Flux<Scrobble> history(String userId, int limit) {
    return guard(scrobbles.history(userId, limit));
  }

  /**
   * Reports that {@code listener} started a track on {@code client} (not a play: nothing is
   * counted). It shows in {@link #nowPlaying()} for every listener, on every pod, for the track's
   * duration plus 30 s (10 min when the file has no duration), or until the same player reports its
   * next track.
   */
  public Mono<NowPlaying> nowPlaying(Listener listener, String trackId, String client) {
    return guard(nowPlaying.report(listener, trackId, client));
  }

  /** What every listener is playing, latest started first. */
  public Flux<NowPlaying> nowPlaying() {
    return guard(nowPlaying.all());
  }

  // --- the play queue ------------------------------------------------------------------------

  /** The listener's saved queue, or {@link PlayQueue#EMPTY}. */
  public Mono<PlayQueue> playQueue(String userId) {
    return guard(queues.get(userId));
  }

  /**
   * Replaces the listener's queue (an empty {@code trackIds} clears it); {@code current}, when
   * given, must be one of {@code trackIds}; at most 10,000 tracks.
   */
  public Mono<PlayQueue> savePlayQueue(
      String userId, List<String> trackIds, String current, long positionMs, String client) {
    return guard(queues.save(userId, trackIds, current, positionMs, client));
  }

  // --- playlists -----------------------------------------------------------------------------

  /** The listener's own playlists and every public one, by name. */
  public Flux<PlaylistSummary> playlists(String userId) {
    return guard(playlists.visibleTo(userId));
  }

  /** A playlist the listener owns, or a public one; 404 otherwise. */
  public Mono<Playlist> playlist(String userId, String playlistId) {
    return guard(playlists.get(userId, playlistId));
  }

  /**
   * Creates a playlist owned by {@code owner} (name 1-200 characters, comment up to 2,000, at most
   * 10,000 tracks, all in the catalogue).
   */
  public Mono<Playlist> createPlaylist(
      Listener owner, String name, String comment, boolean isPublic, List<String> trackIds) {
    return guard(
        playlists.create(
            owner.id(),
            owner.username(),
            new PlaylistEdit.Draft(
                name == null ? null : name.strip(),
                comment == null || comment.isEmpty() ? null : comment,
                isPublic,
                trackIds)));
  }

  /**
   * Applies {@code edit} to a playlist {@code userId} owns (403 for another's public one, 404 for
   * another's private one); re-applied from a fresh read when another change wins a race, so no
   * change is lost. Tracks the edit adds must be in the catalogue.
   */
  public Mono<Playlist> editPlaylist(String userId, String playlistId, PlaylistEdit edit) {
    return guard(playlists.edit(userId, playlistId, null, edit));
  }

  /**
   * {@link #editPlaylist(String, String, PlaylistEdit)} if the playlist is at a version {@code
   * ifMatch} names (else 412).
   */
  public Mono<Playlist> editPlaylist(
      String userId, String playlistId, PlaylistEdit edit, IfMatch ifMatch) {
    return guard(playlists.edit(userId, playlistId, ifMatch, edit));
  }

  /** Deletes a playlist {@code userId} owns. */
  public Mono<Void> deletePlaylist(String userId, String playlistId) {
    return guard(playlists.delete(userId, playlistId, null));
  }

  /**
   * {@link #deletePlaylist(String, String)} if the playlist is at a version {@code ifMatch} names.
   */
  public Mono<Void> deletePlaylist(String userId, String playlistId, IfMatch ifMatch) {
    return guard(playlists.delete(userId, playlistId, ifMatch));
  }

  // --- a listener leaving --------------------------------------------------------------------

  /**
   * Deletes all the music data of a listener: annotations, history, queue, now playing and the
   * playlists they own. For user deletion; the account's own items are not touched.
   */
  public Mono<Void> forget(String userId) {
    return guard(
        Mono.when(
            annotations.forget(userId),
            scrobbles.forget(userId),
            queues.forget(userId),
            nowPlaying.forget(userId),
            playlists.forget(userId)));
  }

  // --- helpers -------------------------------------------------------------------------------

  /** 404 for what cannot be a catalogue id at all (and would make a key of any length). */
  private static void checkId(ItemKind kind, String id) {
    if (id == null || !Ids.ID.matcher(id).matches()) {
      throw ListeningProblems.itemNotFound(kind, id);
    }
  }

  private void checkExists(ItemKind kind, String id) {
    if (id == null || !kind.exists(catalog.get(), id)) {
      throw ListeningProblems.itemNotFound(kind, id);
    }
  }

  private static <T> Mono<T> guard(Mono<T> call) {
    return call.onErrorMap(ItemStore.Unavailable.class, e -> ListeningProblems.unavailable());
  }

  private static <T> Flux<T> guard(Flux<T> call) {
    return call.onErrorMap(ItemStore.Unavailable.class, e -> ListeningProblems.unavailable());
  }
}
