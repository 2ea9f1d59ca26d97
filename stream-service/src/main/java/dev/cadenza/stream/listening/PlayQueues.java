package dev.cadenza.stream.listening;

import static dev.cadenza.stream.listening.StoredItems.ids;
import static dev.cadenza.stream.listening.StoredItems.instant;
import static dev.cadenza.stream.listening.StoredItems.millis;
import static dev.cadenza.stream.listening.StoredItems.number;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import reactor.core.publisher.Mono;

/**
 * Each listener's play queue: one item ({@code queue} in their partition), replaced whole by every
 * save; the last save wins, as a listener moving between devices expects. {@link #MAX_TRACKS} ids
 * of 17 bytes stay far below DynamoDB's 400 KB item limit.
 */
final class PlayQueues {

  static final int MAX_TRACKS = 10_000;

  private static final String TRACKS = "tracks";
  private static final String CURRENT = "current";
  private static final String POSITION = "positionMs";
  private static final String CHANGED_BY = "changedBy";
  private static final String CHANGED = "changed";

  private final ItemStore store;
  private final Supplier<Catalog> catalog;
  private final Clock clock;

  PlayQueues(ItemStore store, Supplier<Catalog> catalog, Clock clock) {
    this.store = store;
    this.catalog = catalog;
    this.clock = clock;
  }

  /** The saved queue, or {@link PlayQueue#EMPTY}. */
  Mono<PlayQueue> get(String userId) {
    return store
        .get(ListeningKeys.user(userId), ListeningKeys.QUEUE)
        .map(found -> found.map(PlayQueues::decode).orElse(PlayQueue.EMPTY));
  }

  /**
   * Saves the queue; no tracks clears it. Tracks it adds must be in the catalogue; ids already in
   * the saved queue may stay though their files are gone, so a player can save back what it
   * restored.
   */
  Mono<PlayQueue> save(
      String userId, List<String> trackIds, String current, long positionMs, String client) {
    return Mono.defer(
        () -> {
          String player = Clients.check(client);
          check(trackIds, current, positionMs);
          String pk = ListeningKeys.user(userId);
          if (trackIds.isEmpty()) {
            return store.delete(pk, ListeningKeys.QUEUE, ItemStore.ANY).thenReturn(PlayQueue.EMPTY);
          }
          return get(userId)
              .flatMap(
                  saved -> {
                    Catalog c = catalog.get();
                    Set<String> kept = new HashSet<>(saved.trackIds());
                    for (String id : trackIds) {
                      if (!kept.contains(id) && c.track(id).isEmpty()) {
                        throw ListeningProblems.itemNotFound(ItemKind.TRACK, id);
                      }
                    }
                    PlayQueue queue =
                        new PlayQueue(trackIds, current, positionMs, player, clock.instant());
                    return store
                        .put(Item.of(pk, ListeningKeys.QUEUE, encode(queue)), ItemStore.ANY)
                        .thenReturn(queue);
                  });
        });
  }

  Mono<Void> forget(String userId) {
    return store.delete(ListeningKeys.user(userId), ListeningKeys.QUEUE, ItemStore.ANY).then();
  }

  private static void check(List<String> trackIds, String current, long positionMs) {
    if (trackIds.size() > MAX_TRACKS) {
      throw ListeningProblems.invalid(
          "trackIds",
          "A play queue holds at most " + MAX_TRACKS + " tracks, not " + trackIds.size() + ".");
    }
    if (current != null && !trackIds.contains(current)) {
      throw ListeningProblems.invalid(
          "current", "The current track '" + current + "' is not one of the queue's tracks.");
    }
    if (positionMs < 0) {
      throw ListeningProblems.invalid(
          "positionMs", "The position " + positionMs + " is negative; it counts from 0 ms.");
    }
  }

  private static Map<String, String> encode(PlayQueue q) {
    Map<String, String> attributes = new HashMap<>();
    attributes.put(TRACKS, StoredItems.ids(q.trackIds()));
    if (q.current() != null) {
      attributes.put(CURRENT, q.current());
    }
    attributes.put(POSITION, Long.toString(q.positionMs()));
    attributes.put(CHANGED_BY, q.changedBy());
    attributes.put(CHANGED, millis(q.changedAt()));
    return attributes;
  }

  private static PlayQueue decode(Item item) {
    return new PlayQueue(
        ids(item, TRACKS),
        item.get(CURRENT).orElse(null),
        number(item, POSITION),
        item.get(CHANGED_BY).orElse(null),
        instant(item, CHANGED));
  }
}
