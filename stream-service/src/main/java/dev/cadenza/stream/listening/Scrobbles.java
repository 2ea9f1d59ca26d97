package dev.cadenza.stream.listening;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Submitted plays: each is kept in the listener's history ({@code scrobble#...}, expiring after
 * {@code cadenza.listening.scrobble-retention}) and counts one play of its track, album and album
 * artist. The history item is written first, on condition that it does not exist: a repeated
 * submission of the same track and time finds it and counts nothing.
 */
final class Scrobbles {

  /** How far ahead of the server's clock a play may be dated (players' clocks are off). */
  static final Duration MAX_AHEAD = Duration.ofDays(1);

  private static final String CLIENT = "client";

  private final ItemStore store;
  private final Annotations annotations;
  private final Supplier<Catalog> catalog;
  private final Clock clock;
  private final Duration retention;

  Scrobbles(
      ItemStore store,
      Annotations annotations,
      Supplier<Catalog> catalog,
      Clock clock,
      Duration retention) {
    this.store = store;
    this.annotations = annotations;
    this.catalog = catalog;
    this.clock = clock;
    this.retention = retention;
  }

  Mono<Scrobble> submit(String userId, String trackId, Instant time, String client) {
    return Mono.defer(
        () -> {
          Catalog c = catalog.get();
          Track track =
              c.track(trackId)
                  .orElseThrow(() -> ListeningProblems.itemNotFound(ItemKind.TRACK, trackId));
          String player = Clients.check(client);
          Instant now = clock.instant();
          Instant at = time == null ? now : Instant.ofEpochMilli(time.toEpochMilli());
          check(at, now);
          String pk = ListeningKeys.user(userId);
          String sk = ListeningKeys.scrobble(at.toEpochMilli(), trackId);
          Item history =
              new Item(pk, sk, 1, Map.of(CLIENT, player), at.plus(retention).getEpochSecond() + 1);
          return store
              .put(history, ItemStore.ABSENT)
              .flatMap(
                  written ->
                      written.isEmpty()
                          ? Mono.just(new Scrobble(trackId, at, player, false))
                          : count(userId, track, c, at)
                              // not counted: take the history item back, so a retry counts it
                              .onErrorResume(
                                  e ->
                                      store
                                          .delete(pk, sk, ItemStore.ANY)
                                          .onErrorResume(ignored -> Mono.empty())
                                          .then(Mono.error(e)))
                              .thenReturn(new Scrobble(trackId, at, player, true)));
        });
  }

  /** The listener's plays, newest first, at most {@code limit}. */
  Flux<Scrobble> history(String userId, int limit) {
    return store
        .query(ListeningKeys.user(userId), ListeningKeys.SCROBBLES, null, limit)
        .map(
            item ->
                new Scrobble(
                    item.sk().substring(ListeningKeys.SCROBBLES.length() + 20),
                    Instant.ofEpochMilli(ListeningKeys.scrobbleTime(item.sk())),
                    item.get(CLIENT).orElse(null),
                    true));
  }

  Mono<Void> forget(String userId) {
    String pk = ListeningKeys.user(userId);
    return StoredItems.all(store, pk, ListeningKeys.SCROBBLES)
        .flatMap(item -> store.delete(pk, item.sk(), ItemStore.ANY), 16)
        .then();
  }

  private Mono<Void> count(String userId, Track track, Catalog c, Instant at) {
    return Mono.when(
        annotations.update(userId, ItemKind.TRACK, track.id(), a -> a.play(at)),
        annotations.update(userId, ItemKind.ALBUM, c.albumIdOf(track), a -> a.play(at)),
        annotations.update(
            userId, ItemKind.ARTIST, Ids.artist(Catalog.albumArtistOf(track)), a -> a.play(at)));
  }

  private void check(Instant at, Instant now) {
    if (at.isAfter(now.plus(MAX_AHEAD))) {
      throw ListeningProblems.invalid(
          "time",
          "The play's time "
              + at
              + " is more than a day ahead of the server's clock ("
              + now
              + "); times are milliseconds since the Unix epoch.");
    }
    if (at.isBefore(now.minus(retention))) {
      throw ListeningProblems.invalid(
          "time",
          "The play's time "
              + at
              + " is older than the history keeps plays (cadenza.listening.scrobble-retention, "
              + retention.toDays()
              + " days).");
    }
  }
}
