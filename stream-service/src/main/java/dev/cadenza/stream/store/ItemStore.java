package dev.cadenza.stream.store;

import java.util.Map;
import java.util.Optional;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The one storage seam for what listeners own: users, API keys and their music data (stars,
 * ratings, plays, playlists, play queues, now playing, scrobbles). Items are addressed by a
 * partition key and a sort key, as in the DynamoDB {@code <prefix>-users} table, and carry string
 * attributes and a version. Every write is conditional on the version read, so two pods racing on
 * one item never lose a change: the loser sees {@code false} and retries from a fresh read.
 *
 * <p>Two implementations pass the same contract ({@code ItemStoreContract} in the tests): the
 * DynamoDB table shared by every pod, and an embedded store under {@code cadenza.data.dir} for the
 * single-process default. Both survive restarts. A store that cannot be reached fails with {@link
 * Unavailable}, which the web layer answers with a 503; it never answers from elsewhere.
 */
public interface ItemStore {

  /** Expected version of an item that must not exist yet. */
  long ABSENT = 0;

  /** Expected version that matches whatever is stored (an unconditional write). */
  long ANY = -1;

  /**
   * One item.
   *
   * @param pk partition key, e.g. {@code user#<id>}
   * @param sk sort key within the partition, e.g. {@code star#track#<id>}; never empty
   * @param version 1 for a new item, incremented by every write; the value a write is conditional
   *     on
   * @param attributes free-form string attributes (numbers and lists encoded by the caller)
   * @param expiresAtEpochSecond when the item stops existing (reads no longer see it), 0 = never
   */
  record Item(
      String pk,
      String sk,
      long version,
      Map<String, String> attributes,
      long expiresAtEpochSecond) {
    public Item {
      if (pk == null || pk.isEmpty() || sk == null || sk.isEmpty()) {
        throw new IllegalArgumentException("an item needs a partition and a sort key");
      }
      attributes = Map.copyOf(attributes);
    }

    /** A new item (version 1) that never expires. */
    public static Item of(String pk, String sk, Map<String, String> attributes) {
      return new Item(pk, sk, 1, attributes, 0);
    }

    public Optional<String> get(String attribute) {
      return Optional.ofNullable(attributes.get(attribute));
    }
  }

  /** The item, or empty when there is none or it has expired. */
  Mono<Optional<Item>> get(String pk, String sk);

  /**
   * The items of a partition whose sort key starts with {@code skPrefix} (empty = all), ascending
   * by sort key, starting after {@code exclusiveStartSk} (null = from the first), at most {@code
   * limit}. Expired items are left out.
   */
  Flux<Item> query(String pk, String skPrefix, String exclusiveStartSk, int limit);

  /**
   * Writes {@code item} (its version is ignored) if the stored one is at {@code expectedVersion}
   * ({@link #ABSENT}: none stored, {@link #ANY}: unconditional). Completes with the stored item,
   * now at the next version, or empty when the condition failed.
   */
  Mono<Optional<Item>> put(Item item, long expectedVersion);

  /**
   * Removes the item if it is at {@code expectedVersion} ({@link #ANY}: whatever it is). {@code
   * true} when an item was removed, {@code false} when there was none or the condition failed.
   */
  Mono<Boolean> delete(String pk, String sk, long expectedVersion);

  /** Whether other processes see the same items (the DynamoDB table). */
  boolean shared();

  /** The store cannot be reached: a 503, never a fallback. */
  final class Unavailable extends RuntimeException {
    public Unavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
