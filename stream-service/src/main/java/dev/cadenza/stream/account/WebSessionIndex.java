package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * Which web sessions a user has opened. A session's item is keyed by the hash of its token, which
 * names no user, so without this a deleted user's sessions would stay in the store until they
 * expire (90 days at most). Each login therefore also writes {@code user#<id>} / {@code
 * websession#<sha-256>} (the session's partition key), expiring when the session must end at the
 * latest; deleting the user deletes every session it lists, then the list.
 */
final class WebSessionIndex implements OwnedElsewhere {

  static final String PREFIX = "websession#";

  /** Sessions deleted per store query. */
  private static final int PAGE = 100;

  private final ItemStore store;

  WebSessionIndex(ItemStore store) {
    this.store = store;
  }

  /** Lists the session {@code sessionPk} under its user, until {@code expiresAtEpochSecond}. */
  Mono<Void> add(String userId, String sessionPk, long expiresAtEpochSecond) {
    Item entry = new Item(User.partition(userId), sessionPk, 1, Map.of(), expiresAtEpochSecond);
    return store.put(entry, ItemStore.ANY).then();
  }

  @Override
  public Mono<Void> forget(String userId) {
    String pk = User.partition(userId);
    // deleting as it reads: each page starts from the first remaining entry
    return store
        .query(pk, PREFIX, null, PAGE)
        .concatMap(
            entry ->
                store
                    .delete(entry.sk(), WebSessions.SK, ItemStore.ANY)
                    .then(store.delete(pk, entry.sk(), ItemStore.ANY)))
        .count()
        .flatMap(n -> n == 0 ? Mono.<Void>empty() : forget(userId));
  }
}
