package dev.cadenza.stream.listening;

import static dev.cadenza.stream.listening.StoredItems.instant;
import static dev.cadenza.stream.listening.StoredItems.millis;
import static dev.cadenza.stream.listening.StoredItems.number;

import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stars, ratings and plays: one item per listener and catalogue item ({@code
 * annotation#<kind>#<id>} in the listener's partition), changed by conditional read-modify-write so
 * a star from one pod and a play counted by another never overwrite each other. An item with
 * nothing left is deleted.
 */
final class Annotations {

  /** Up to this many ids are annotated with one read each; more with one query of the kind. */
  static final int READS_UP_TO = 64;

  private static final String STARRED = "starred";
  private static final String RATING = "rating";
  private static final String PLAYS = "plays";
  private static final String PLAYED = "played";

  private final ItemStore store;

  Annotations(ItemStore store) {
    this.store = store;
  }

  Mono<Annotation> get(String userId, ItemKind kind, String id) {
    return read(userId, kind, id).map(r -> r.annotation);
  }

  /**
   * The annotations of {@code ids} that have any (blank ones are left out): a read per id for a
   * page of a few, one query of all the listener's items of the kind for more. Either way one round
   * of requests, whatever the page's size.
   */
  Mono<Map<String, Annotation>> of(String userId, ItemKind kind, Collection<String> ids) {
    Set<String> wanted = new LinkedHashSet<>(ids);
    Flux<Annotation> found =
        wanted.size() <= READS_UP_TO
            ? Flux.fromIterable(wanted)
                .flatMap(id -> get(userId, kind, id), 16)
                .filter(a -> !a.blank())
            : all(userId, kind).filter(a -> wanted.contains(a.id()));
    return found.collectMap(Annotation::id).map(m -> (Map<String, Annotation>) new HashMap<>(m));
  }

  /** Every annotation of {@code kind} the listener has, in id order. */
  Flux<Annotation> all(String userId, ItemKind kind) {
    String prefix = ListeningKeys.annotations(kind);
    return StoredItems.all(store, ListeningKeys.user(userId), prefix)
        .map(item -> decode(kind, item.sk().substring(prefix.length()), item));
  }

  /**
   * Applies {@code change} to the current annotation and writes it if nobody wrote meanwhile (else
   * again, from a fresh read); an unchanged annotation writes nothing, a blank one is deleted.
   */
  Mono<Annotation> update(
      String userId, ItemKind kind, String id, UnaryOperator<Annotation> change) {
    String pk = ListeningKeys.user(userId);
    String sk = ListeningKeys.annotation(kind, id);
    return ConflictRetry.until(
        kind.key() + " annotation",
        id,
        () ->
            read(userId, kind, id)
                .flatMap(
                    current -> {
                      Annotation next = change.apply(current.annotation);
                      if (next.equals(current.annotation)) {
                        return Mono.just(Optional.of(next));
                      }
                      if (next.blank()) {
                        return current.version == ItemStore.ABSENT
                            ? Mono.just(Optional.of(next))
                            : store
                                .delete(pk, sk, current.version)
                                .map(deleted -> deleted ? Optional.of(next) : Optional.empty());
                      }
                      return store
                          .put(Item.of(pk, sk, encode(next)), current.version)
                          .map(written -> written.map(w -> next));
                    }));
  }

  /** Removes every annotation of the listener. */
  Mono<Void> forget(String userId) {
    String pk = ListeningKeys.user(userId);
    return StoredItems.all(store, pk, ListeningKeys.ANNOTATIONS)
        .flatMap(item -> store.delete(pk, item.sk(), ItemStore.ANY), 16)
        .then();
  }

  private record Read(Annotation annotation, long version) {}

  private Mono<Read> read(String userId, ItemKind kind, String id) {
    return store
        .get(ListeningKeys.user(userId), ListeningKeys.annotation(kind, id))
        .map(
            found ->
                found
                    .map(item -> new Read(decode(kind, id, item), item.version()))
                    .orElseGet(() -> new Read(Annotation.none(kind, id), ItemStore.ABSENT)));
  }

  private static Annotation decode(ItemKind kind, String id, Item item) {
    return new Annotation(
        kind,
        id,
        instant(item, STARRED),
        (int) number(item, RATING),
        number(item, PLAYS),
        instant(item, PLAYED));
  }

  private static Map<String, String> encode(Annotation a) {
    Map<String, String> attributes = new HashMap<>();
    if (a.starredAt() != null) {
      attributes.put(STARRED, millis(a.starredAt()));
    }
    if (a.rating() != 0) {
      attributes.put(RATING, Integer.toString(a.rating()));
    }
    if (a.playCount() != 0) {
      attributes.put(PLAYS, Long.toString(a.playCount()));
    }
    if (a.lastPlayedAt() != null) {
      attributes.put(PLAYED, millis(a.lastPlayedAt()));
    }
    return attributes;
  }
}
