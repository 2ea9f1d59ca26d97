package dev.cadenza.stream.listening;

import static dev.cadenza.stream.listening.StoredItems.instant;
import static dev.cadenza.stream.listening.StoredItems.millis;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.function.Supplier;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What everyone is playing: one item per listener and player in the shared {@code now-playing}
 * partition, so every pod sees every report. A report lasts the track's duration plus {@link
 * #GRACE} (a paused player drops off after that), or {@link #UNKNOWN_DURATION} when the file does
 * not say how long it is; the store's expiry removes it.
 */
final class NowPlayingBoard {

  static final Duration GRACE = Duration.ofSeconds(30);
  static final Duration UNKNOWN_DURATION = Duration.ofMinutes(10);

  private static final String USER = "user";
  private static final String USERNAME = "username";
  private static final String CLIENT = "client";
  private static final String TRACK = "track";
  private static final String STARTED = "started";
  private static final String EXPIRES = "expires";

  private final ItemStore store;
  private final Supplier<Catalog> catalog;
  private final Clock clock;

  NowPlayingBoard(ItemStore store, Supplier<Catalog> catalog, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.clock = clock;
  }

  Mono<NowPlaying> report(Listener listener, String trackId, String client) {
    return Mono.defer(
        () -> {
          Track track =
              catalog
                  .get()
                  .track(trackId)
                  .orElseThrow(() -> ListeningProblems.itemNotFound(ItemKind.TRACK, trackId));
          String player = Clients.check(client);
          Instant now = clock.instant();
          Long ms = track.tags().durationMs();
          Duration lasts =
              ms == null || ms <= 0 ? UNKNOWN_DURATION : Duration.ofMillis(ms).plus(GRACE);
          Instant expires = now.plus(lasts);
          NowPlaying playing =
              new NowPlaying(listener.id(), listener.username(), player, trackId, now, expires);
          Item item =
              new Item(
                  ListeningKeys.NOW_PLAYING,
                  ListeningKeys.nowPlaying(listener.id(), player),
                  1,
                  Map.of(
                      USER, listener.id(),
                      USERNAME, listener.username(),
                      CLIENT, player,
                      TRACK, trackId,
                      STARTED, millis(now),
                      EXPIRES, millis(expires)),
                  // the store's expiry is in whole seconds: round up
                  expires.getEpochSecond() + (expires.getNano() > 0 ? 1 : 0));
          return store.put(item, ItemStore.ANY).thenReturn(playing);
        });
  }

  /** Every live report, most recently started first. */
  Flux<NowPlaying> all() {
    return Flux.defer(
        () -> {
          Instant now = clock.instant();
          return StoredItems.all(store, ListeningKeys.NOW_PLAYING, "")
              .map(NowPlayingBoard::decode)
              // the store's expiry has second granularity; ours is exact
              .filter(p -> p.expiresAt().isAfter(now))
              .sort(Comparator.comparing(NowPlaying::startedAt).reversed());
        });
  }

  Mono<Void> forget(String userId) {
    return StoredItems.all(store, ListeningKeys.NOW_PLAYING, userId + "#")
        .flatMap(item -> store.delete(item.pk(), item.sk(), ItemStore.ANY))
        .then();
  }

  private static NowPlaying decode(Item item) {
    return new NowPlaying(
        item.get(USER).orElse(null),
        item.get(USERNAME).orElse(null),
        item.get(CLIENT).orElse(null),
        item.get(TRACK).orElse(null),
        instant(item, STARTED),
        instant(item, EXPIRES));
  }
}
