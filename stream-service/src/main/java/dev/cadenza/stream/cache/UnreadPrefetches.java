package dev.cadenza.stream.cache;

import dev.cadenza.stream.config.CadenzaProperties;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prefetched chunks nobody has read yet, oldest first, each with its load's future and its weight.
 * They wait here, beside Caffeine, because W-TinyLFU's admission would turn them away before their
 * listener comes: a chunk loaded once loses to almost any chunk read twice.
 *
 * <p>Their total weight never exceeds {@link #bound}: a new chunk displaces the oldest unread ones
 * (wasted). Whenever the total changes, {@code resized} hears the new total while the lock is held,
 * so the cache can lower Caffeine's maximum by it before a read moves a chunk over: Caffeine and
 * the unread chunks together stay within the L1 bound.
 */
final class UnreadPrefetches {

  private static final Logger log = LoggerFactory.getLogger(UnreadPrefetches.class);

  private record Prefetched(CompletableFuture<byte[]> future, int weight) {}

  /** Guarded by itself; {@link #bytes} is written under that lock and read without it. */
  private final LinkedHashMap<ChunkKey, Prefetched> unread = new LinkedHashMap<>();

  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong peak = new AtomicLong();
  private final long bound;
  private final LongConsumer resized;
  private final Runnable wasted;

  /**
   * @param bound the most bytes unread chunks may weigh; 0 holds nothing (prefetch off)
   * @param resized hears the total weight after every change, under the lock
   * @param wasted hears of each chunk displaced unread
   */
  UnreadPrefetches(long bound, LongConsumer resized, Runnable wasted) {
    this.bound = bound;
    this.resized = resized;
    this.wasted = wasted;
  }

  /**
   * {@code max-share} of L1, or 0 (prefetch off) when the cache or prefetch is off, or when that
   * share cannot hold one chunk of {@code chunkWeight} bytes.
   */
  static long bound(CadenzaProperties.Cache settings, long capacity, int chunkWeight) {
    CadenzaProperties.Cache.Prefetch prefetch = settings.prefetch();
    if (!settings.enabled() || !prefetch.enabled()) {
      return 0;
    }
    long share = (long) Math.floor(capacity * prefetch.maxShare());
    if (share < chunkWeight) {
      log.info(
          "Prefetch off: {} of L1 ({} bytes) cannot hold one chunk", prefetch.maxShare(), capacity);
      return 0;
    }
    return share;
  }

  /** The most bytes unread chunks may weigh. */
  long bound() {
    return bound;
  }

  /** Bytes (weights) of the chunks held. */
  long bytes() {
    return bytes.get();
  }

  /** The most {@link #bytes} has ever been: for tests. */
  long peak() {
    return peak.get();
  }

  boolean contains(ChunkKey key) {
    if (bytes.get() == 0) {
      return false;
    }
    synchronized (unread) {
      return unread.containsKey(key);
    }
  }

  /**
   * Holds a chunk that is loading, displacing the oldest ones as far as its weight needs. A load
   * that fails takes its chunk out again.
   *
   * @return false if the chunk is held already (nothing changes)
   */
  boolean add(ChunkKey key, CompletableFuture<byte[]> loading, int weight) {
    Prefetched p = new Prefetched(loading, weight);
    synchronized (unread) {
      if (unread.containsKey(key)) {
        return false;
      }
      // the bound holds at least one chunk, so this always makes room
      Iterator<Map.Entry<ChunkKey, Prefetched>> oldest = unread.entrySet().iterator();
      while (bytes.get() + weight > bound && oldest.hasNext()) {
        Prefetched dropped = oldest.next().getValue();
        oldest.remove();
        bytes.addAndGet(-dropped.weight());
        wasted.run();
      }
      unread.put(key, p);
      peak.accumulateAndGet(bytes.addAndGet(weight), Math::max);
      resized.accept(bytes.get());
    }
    loading.whenComplete(
        (chunk, error) -> {
          if (error != null) {
            synchronized (unread) {
              if (unread.remove(key, p)) {
                bytes.addAndGet(-p.weight());
                resized.accept(bytes.get());
              }
            }
          }
        });
    return true;
  }

  /**
   * Takes the chunk out for its first reader: its future, or {@code null} if it is not held. With
   * {@code loadedOnly}, a chunk still loading stays (and {@code null} is returned).
   */
  CompletableFuture<byte[]> take(ChunkKey key, boolean loadedOnly) {
    if (bytes.get() == 0) {
      return null;
    }
    synchronized (unread) {
      Prefetched p = unread.get(key);
      if (p == null || (loadedOnly && !p.future().isDone())) {
        return null;
      }
      unread.remove(key);
      bytes.addAndGet(-p.weight());
      resized.accept(bytes.get());
      return p.future();
    }
  }

  /** Drops every chunk held (not counted as wasted). */
  void clear() {
    synchronized (unread) {
      unread.clear();
      bytes.set(0);
      resized.accept(0);
    }
  }
}
