package dev.cadenza.stream.cache;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.springframework.boot.health.contributor.Health;

/**
 * L2: the chunks every pod of a service shares, between L1 and the library files. {@link
 * DynamoDbTier} when {@code cadenza.dynamodb.table-prefix} is set, else {@link #NONE}.
 *
 * <p>A lookup never fails: a tier that cannot answer (an error, an open breaker) answers with a
 * miss, and the chunk comes from the file. A listener never waits for a write.
 */
interface SharedTier extends AutoCloseable {

  /** No shared tier: every lookup misses, writes go nowhere. */
  SharedTier NONE = new NoSharedTier();

  /**
   * What the tier answered for one chunk: its bytes, or a miss.
   *
   * @param bytes the chunk on a hit, else {@code null}
   * @param refill on a miss, whether the chunk read from the file should be {@link SharedTier#put}
   *     back; not after a failed call, so a failing tier is not also sent writes
   */
  record Lookup(byte[] bytes, boolean refill) {

    /** Not there (or rejected by the breaker): the chunk from the file is put back. */
    static final Lookup MISS = new Lookup(null, true);

    /** No tier, or its call failed: nothing is put back. */
    static final Lookup UNANSWERED = new Lookup(null, false);

    static Lookup hit(byte[] bytes) {
      return new Lookup(bytes, false);
    }

    boolean hit() {
      return bytes != null;
    }

    /** The same answer for every key. */
    static Map<ChunkKey, Lookup> forAll(Set<ChunkKey> keys, Lookup answer) {
      Map<ChunkKey, Lookup> all = new HashMap<>();
      keys.forEach(k -> all.put(k, answer));
      return all;
    }
  }

  /** Looks up one chunk, which must be {@code length} bytes long. */
  CompletableFuture<Lookup> get(ChunkKey key, int length);

  /** Looks up several chunks in one call (read-ahead); the answer has every key. */
  CompletableFuture<Map<ChunkKey, Lookup>> getAll(Map<ChunkKey, Integer> lengths);

  /** Hands over a chunk read from the file, to be written in the background; never blocks. */
  void put(ChunkKey key, byte[] bytes);

  /**
   * Hands over a chunk to be written in the background, never blocking; the answer says whether it
   * was written (false when dropped, failed, or there is no tier). For bytes that exist nowhere
   * else, whose record must follow them (a transcoded variant and its manifest).
   */
  CompletableFuture<Boolean> putConfirmed(ChunkKey key, byte[] bytes);

  /** Whether no write is queued or in flight: for tests. */
  boolean writesIdle();

  /** The circuit breaker's state: CLOSED, OPEN, HALF_OPEN; or NONE without a tier. */
  String breakerState();

  /** What the start-up log says about the tier. */
  String description();

  /** Adds the tier's part of the {@code chunkCache} health details. */
  void health(Health.Builder health);

  /** Stops background work; queued writes are dropped. */
  @Override
  void close();
}
