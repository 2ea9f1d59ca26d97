package dev.cadenza.stream.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.library.FileChangedException;
import dev.cadenza.stream.library.Track;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The tiered chunk cache: L1 in process (Caffeine, W-TinyLFU, bounded by bytes), L2 shared by the
 * pods ({@link SharedTier}: the DynamoDB chunks table when DynamoDB is configured), and the library
 * file last. docs/caching.md describes it.
 *
 * <ul>
 *   <li>Concurrent misses for one chunk load it once: the loading future sits in L1 and every
 *       reader waits on it.
 *   <li>{@link #readAhead} claims the next chunks of a sequential reader and fetches them in one
 *       BatchGetItem from L2 (the origin for what L2 lacks).
 *   <li>Chunks read from the origin are handed to L2, which writes them in the background; a
 *       listener never waits for it.
 *   <li>{@link #prefetch} (driven by {@link Prefetcher}) loads the first chunks of likely next
 *       tracks; until read they wait beside Caffeine ({@link UnreadPrefetches}), within {@code
 *       max-share} of the bound.
 *   <li>L2 never fails a lookup: an error or an open breaker is a miss, and the chunk comes from
 *       the origin. A DynamoDB outage costs latency, never a failed response, and readiness does
 *       not depend on it.
 * </ul>
 */
public class ChunkCache implements HealthIndicator, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(ChunkCache.class);

  /** The frequency sketch counts this many times the chunks L1 can hold. */
  public static final int SKETCH_FACTOR = 8;

  /** Bytes a cached chunk costs beyond its audio: key, future, entry. */
  static final int ENTRY_OVERHEAD = 160;

  private final CadenzaProperties.Cache settings;
  private final int chunkSize;
  private final long capacity;
  private final int readAhead;
  private final AsyncCache<ChunkKey, byte[]> l1;
  private final ConcurrentMap<ChunkKey, CompletableFuture<byte[]>> l1Map;
  private final Policy.Eviction<ChunkKey, byte[]> eviction;
  private final OriginReader origin;
  private final CacheMetrics metrics;
  private final SharedTier l2;
  private final UnreadPrefetches unread;
  private final OriginalsTier originals;

  /** What {@link #prefetch} did with one chunk. */
  enum PrefetchOutcome {
    /** Claimed in L1 and loading (from L2 or the file). */
    ISSUED,
    /** In L1 already (loaded or loading): nothing to do. */
    CACHED,
    /** Prefetch is off. */
    OFF
  }

  /**
   * @param metrics the cache's meters, which {@code l2} reports to as well
   * @param l2 the shared tier; this cache closes it
   * @param originals the tier that serves originals: L1 holds them only when it is {@code L1}
   */
  ChunkCache(
      CadenzaProperties properties, CacheMetrics metrics, SharedTier l2, OriginalsTier originals) {
    this.settings = properties.cache();
    this.originals = originals;
    this.chunkSize = (int) settings.chunkSize().toBytes();
    this.capacity = boundedByHeap(settings.memory().toBytes(), maxHeap());
    // chunks fetched ahead must survive in L1 until their reader comes: a bound that cannot hold a
    // few windows would evict them first and read them twice
    long window = (long) (settings.readAhead() + 1) * (chunkSize + ENTRY_OVERHEAD);
    this.readAhead = capacity >= 4 * window ? settings.readAhead() : 0;
    if (readAhead != settings.readAhead()) {
      log.info(
          "Chunk read-ahead off: L1 ({} bytes) is too small to keep {} chunks ahead of readers",
          capacity,
          settings.readAhead());
    }
    this.metrics = metrics;
    this.l2 = l2;
    this.origin = new OriginReader(chunkSize, metrics);
    // Caffeine sizes the frequency sketch of a weighted cache by its entry count, so for a few
    // thousand 256 KiB chunks it forgets popularity every few thousand accesses. Presizing it to 8x
    // the chunks held lifts the byte hit ratio on Zipf traffic by 2-4 points (bench/cache-sim.sh,
    // docs/benchmarks.md); the price is slower ageing: popularity is averaged over ~80x the
    // chunks held instead of ~8x.
    long chunksHeld = Math.max(1, capacity / (chunkSize + ENTRY_OVERHEAD));
    this.l1 =
        Caffeine.newBuilder()
            .maximumWeight(capacity)
            .weigher((ChunkKey k, byte[] v) -> v.length + ENTRY_OVERHEAD)
            .initialCapacity((int) Math.min(SKETCH_FACTOR * chunksHeld, 1 << 26))
            .executor(origin.executor())
            .evictionListener(
                (ChunkKey k, byte[] v, RemovalCause cause) -> {
                  if (cause.wasEvicted()) {
                    metrics.evicted();
                  }
                })
            .buildAsync();
    this.l1Map = l1.asMap();
    this.eviction = l1.synchronous().policy().eviction().orElseThrow();
    // Caffeine gets what unread prefetched chunks leave of the bound. (Setting the maximum also
    // resets Caffeine's adaptive window to its initial size; bench/prefetch.sh replays this.)
    this.unread =
        new UnreadPrefetches(
            UnreadPrefetches.bound(settings, capacity, chunkSize + ENTRY_OVERHEAD),
            unreadBytes -> eviction.setMaximum(capacity - unreadBytes),
            metrics::prefetchWasted);
    metrics.l1Size(this::weightedSize, capacity);
    metrics.prefetchUnread(unread::bytes);
    log.info("Chunk cache: {} chunks, L1 {} bytes, {}", chunkSize, capacity, l2.description());
  }

  /**
   * Heap the service needs beside L1 (the catalogue, requests in flight, the embedding model's
   * input): the memory budget's working heap, docs/memory.md. The catalogue takes about 2.6 KiB a
   * track with its embeddings (262 MiB at 100,000 tracks), so this holds a library of 100,000 with
   * room for requests. The JVM options of the image, of {@code spring-boot:run} and of the
   * operator's pods make the heap L1 plus this much; at rest only what is used stays committed.
   */
  static final long WORKING_HEAP = 384L << 20;

  /**
   * The heap's bound as {@code -Xmx} set it. {@link Runtime#maxMemory} leaves out one of the two
   * survivor spaces of the serial and parallel collectors (1/30 of the heap by default), which
   * would lower an L1 of exactly the budget's size.
   */
  static long maxHeap() {
    long survivor = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getName().contains("Survivor")) {
        survivor = Math.max(survivor, pool.getUsage().getMax()); // -1 (G1): no bound of its own
      }
    }
    return Runtime.getRuntime().maxMemory() + survivor;
  }

  /**
   * L1 lives on the heap: a bound that leaves less than {@link #WORKING_HEAP} (or, in a small heap,
   * less than half of it) for everything else would end in OutOfMemoryError under load rather than
   * in evictions, so it is lowered, loudly.
   */
  static long boundedByHeap(long configured, long maxHeap) {
    long room = Math.max(maxHeap / 2, maxHeap - WORKING_HEAP);
    if (configured > room) {
      log.warn(
          "cadenza.cache.memory is {} bytes but the heap is only {} bytes: L1 holds at most {}"
              + " (raise the heap to cadenza.cache.memory + 384 MiB with -Xmx, docs/memory.md, or"
              + " lower cadenza.cache.memory)",
          configured,
          maxHeap,
          room);
      return room;
    }
    return configured;
  }

  /** Whether responses go through the cache ({@code cadenza.cache.enabled}). */
  public boolean enabled() {
    return settings.enabled();
  }

  /**
   * Whether originals are served through L1 (else from the file, through the page cache:
   * docs/caching.md#originals). Variants always are, while the cache is on.
   */
  public boolean originalsInL1() {
    return settings.enabled() && originals == OriginalsTier.L1;
  }

  public int chunkSize() {
    return chunkSize;
  }

  /** How many chunks ahead of a sequential reader are fetched. */
  public int readAheadChunks() {
    return readAhead;
  }

  /** The chunk holding byte {@code position} of the track. */
  public int indexOf(long position) {
    return (int) (position / chunkSize);
  }

  /**
   * Chunk {@code index} of the track's current version, from the first tier that has it. Fails with
   * a {@link dev.cadenza.stream.library.FileChangedException} when it must be read from a file that
   * is no longer that version.
   */
  public CompletableFuture<byte[]> get(Track track, int index) {
    return get(new ChunkSource.File(track), index);
  }

  /**
   * Chunk {@code index} of the source from the first tier that has it: for a file as {@link
   * #get(Track, int)}; for bytes made elsewhere, a chunk no tier holds fails with {@link
   * MadeChunkGone}.
   */
  public CompletableFuture<byte[]> get(ChunkSource source, int index) {
    ChunkKey key = source.key(index);
    CompletableFuture<byte[]> present = l1.getIfPresent(key);
    if (present == null) {
      present = takePrefetched(key, false);
    }
    boolean hit = present != null;
    if (!hit) {
      boolean[] loaded = {false};
      present =
          l1.get(
              key,
              (k, executor) -> {
                loaded[0] = true;
                CompletableFuture<byte[]> load = new CompletableFuture<>();
                loadBelowL1(source, k).whenComplete(completing(load));
                return load;
              });
      hit = !loaded[0];
    }
    metrics.l1(hit);
    if (hit) {
      present.thenAccept(bytes -> metrics.l1Served(bytes.length));
    }
    if (present.isDone() && !present.isCompletedExceptionally()) {
      return present; // the hot path: nothing to translate, nothing more to allocate
    }
    return present.handle(ChunkCache::fileChangedAgain);
  }

  /** A load that ended in {@link ChunkVersionGone} fails its reader with the file's change. */
  private static byte[] fileChangedAgain(byte[] bytes, Throwable error) {
    if (error == null) {
      return bytes;
    }
    Throwable cause = error instanceof CompletionException ? error.getCause() : error;
    if (cause instanceof ChunkVersionGone gone) {
      throw gone.changed();
    }
    throw error instanceof CompletionException c ? c : new CompletionException(error);
  }

  /**
   * Chunk {@code index} if L1 holds it loaded already, else {@code null} (and nothing is loaded or
   * counted). Lets a response for a hot track go out in one write of all its chunks; the caller
   * then reports the hits with {@link #countL1Hits}.
   */
  public byte[] getIfLoaded(Track track, int index) {
    return getIfLoaded(new ChunkSource.File(track), index);
  }

  /** {@link #getIfLoaded(Track, int)} for any source. */
  public byte[] getIfLoaded(ChunkSource source, int index) {
    ChunkKey key = source.key(index);
    CompletableFuture<byte[]> present = l1.getIfPresent(key);
    if (present == null) {
      present = takePrefetched(key, true);
    }
    if (present == null || !present.isDone() || present.isCompletedExceptionally()) {
      return null;
    }
    return present.join();
  }

  /**
   * Whether a short range of a track's file that L1 lacks is better read from the file than through
   * the cache: when there is no shared tier, the file is the only place below L1, and reading the
   * range alone (the page cache's copy) costs a fraction of loading its whole chunks, allocating
   * them on the heap and evicting others for a range that may never be read again.
   */
  public boolean missesReadFromFile() {
    return l2 instanceof NoSharedTier;
  }

  /**
   * Whether L1 holds (loaded or loading) every chunk of bytes {@code first..last} of the source.
   */
  public boolean holds(ChunkSource source, long first, long last) {
    for (int index = indexOf(first); index <= indexOf(last); index++) {
      if (!inL1(source.key(index))) {
        return false;
      }
    }
    return true;
  }

  /** Whether L1 holds chunk {@code index} of the track, loaded or loading; counts nothing. */
  public boolean inL1(Track track, int index) {
    return inL1(ChunkKey.of(track, index));
  }

  private boolean inL1(ChunkKey key) {
    return l1Map.containsKey(key) || unread.contains(key);
  }

  // ---- prefetch (Prefetcher decides what; this is how, and the bound)

  /** Whether prefetch is on: the cache is on, prefetch is on and its share holds a chunk. */
  public boolean prefetchEnabled() {
    return unread.bound() > 0;
  }

  /** The most bytes unread prefetched chunks may take in L1: {@code max-share} of L1. */
  public long prefetchBound() {
    return unread.bound();
  }

  /** Bytes (weights) of prefetched chunks in L1 that nobody has read yet. */
  public long prefetchUnreadBytes() {
    return unread.bytes();
  }

  /** The most {@link #prefetchUnreadBytes} has ever been: for tests. */
  long prefetchUnreadPeak() {
    return unread.peak();
  }

  CacheMetrics metrics() {
    return metrics;
  }

  /**
   * Loads chunk {@code index} of the track through the normal path (L2, then the file) into L1's
   * unread prefetched chunks, unless L1 holds it already. When they would then weigh more than
   * {@link #prefetchBound}, the oldest unread ones are dropped first (wasted). The chunk stays
   * there until it is read through {@link #get} or {@link #getIfLoaded} (a prefetch hit: it moves
   * into Caffeine as any chunk read), displaced, or its load fails.
   *
   * @param loading receives the load's future when the outcome is {@link PrefetchOutcome#ISSUED}
   */
  PrefetchOutcome prefetch(Track track, int index, Consumer<CompletableFuture<byte[]>> loading) {
    if (unread.bound() == 0) {
      return PrefetchOutcome.OFF;
    }
    ChunkKey key = ChunkKey.of(track, index);
    if (l1Map.containsKey(key)) {
      return PrefetchOutcome.CACHED;
    }
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    if (!unread.add(key, f, lengthOf(track, index) + ENTRY_OVERHEAD)) {
      return PrefetchOutcome.CACHED;
    }
    loading.accept(f);
    loadBelowL1(new ChunkSource.File(track), key).whenComplete(completing(f));
    return PrefetchOutcome.ISSUED;
  }

  /**
   * The unread prefetched chunk under {@code key}, moved into Caffeine (a prefetch hit), or {@code
   * null}. With {@code loadedOnly}, a chunk still loading is left where it is.
   */
  private CompletableFuture<byte[]> takePrefetched(ChunkKey key, boolean loadedOnly) {
    // taking it out gives Caffeine its room first, then the chunk goes in: the sum stays in bound
    CompletableFuture<byte[]> prefetched = unread.take(key, loadedOnly);
    if (prefetched == null) {
      return null;
    }
    metrics.prefetchHit();
    CompletableFuture<byte[]> there = l1Map.putIfAbsent(key, prefetched);
    return there != null ? there : prefetched;
  }

  /** Counts chunks served from L1 through {@link #getIfLoaded}. */
  public void countL1Hits(List<byte[]> chunks) {
    for (byte[] bytes : chunks) {
      metrics.l1(true);
      metrics.l1Served(bytes.length);
    }
  }

  /**
   * Starts fetching chunks {@code from..to} (inclusive) of the track that are not in L1 yet, so a
   * sequential reader finds them there. Nothing happens unless at least half the window is missing:
   * the fetches then go out as one L2 batch instead of one call per chunk.
   */
  public void readAhead(Track track, int from, int to) {
    readAhead(new ChunkSource.File(track), from, to);
  }

  /** {@link #readAhead(Track, int, int)} for any source. */
  public void readAhead(ChunkSource source, int from, int to) {
    if (to < from || readAhead == 0) {
      return;
    }
    List<ChunkKey> absent = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ChunkKey key = source.key(i);
      if (!inL1(key)) {
        absent.add(key);
      }
    }
    if (absent.isEmpty() || absent.size() < Math.max(1, (to - from + 1) / 2)) {
      return;
    }
    Map<ChunkKey, CompletableFuture<byte[]>> claimed = new LinkedHashMap<>();
    for (ChunkKey key : absent) {
      CompletableFuture<byte[]> f = new CompletableFuture<>();
      if (l1Map.putIfAbsent(key, f) == null) {
        claimed.put(key, f);
      }
    }
    if (claimed.isEmpty()) {
      return;
    }
    Map<ChunkKey, Integer> lengths = new LinkedHashMap<>();
    claimed.keySet().forEach(k -> lengths.put(k, lengthOf(source, k.index())));
    l2.getAll(lengths)
        .thenAccept(
            found ->
                claimed.forEach(
                    (key, f) -> {
                      SharedTier.Lookup item = found.get(key);
                      metrics.readAhead(item.hit());
                      if (item.hit()) {
                        f.complete(item.bytes());
                      } else {
                        fromOrigin(source, key, item.refill()).whenComplete(completing(f));
                      }
                    }));
  }

  /**
   * Completes {@code f}, an L1 entry, as a load completes; a file that changed under the load ends
   * it as {@link ChunkVersionGone}, which Caffeine does not log (it logs every other failed load
   * with its stack trace, once per chunk: several per aborted response).
   */
  private static BiConsumer<byte[], Throwable> completing(CompletableFuture<byte[]> f) {
    return (bytes, error) -> {
      if (error == null) {
        f.complete(bytes);
        return;
      }
      Throwable cause = error instanceof CompletionException ? error.getCause() : error;
      f.completeExceptionally(
          cause instanceof FileChangedException changed ? new ChunkVersionGone(changed) : error);
    };
  }

  private CompletableFuture<byte[]> loadBelowL1(ChunkSource source, ChunkKey key) {
    return l2.get(key, lengthOf(source, key.index()))
        .thenCompose(
            found ->
                found.hit()
                    ? CompletableFuture.completedFuture(found.bytes())
                    : fromOrigin(source, key, found.refill()));
  }

  /**
   * Reads a file's chunk from the file, then hands it to L2 if {@code toL2}; a made chunk has no
   * origin.
   */
  private CompletableFuture<byte[]> fromOrigin(ChunkSource source, ChunkKey key, boolean toL2) {
    if (!(source instanceof ChunkSource.File file)) {
      metrics.madeChunkGone();
      return CompletableFuture.failedFuture(new MadeChunkGone(key));
    }
    Track track = file.track();
    return origin
        .read(track, key.index())
        .thenApply(
            bytes -> {
              if (toL2) {
                l2.put(key, bytes);
              }
              return bytes;
            });
  }

  private int lengthOf(Track track, int index) {
    return lengthOf(new ChunkSource.File(track), index);
  }

  private int lengthOf(ChunkSource source, int index) {
    return (int) Math.min(chunkSize, source.size() - (long) index * chunkSize);
  }

  // ---- bytes made elsewhere (transcoded variants)

  /**
   * Puts every chunk of {@code source}, made elsewhere, into L1 and hands them to L2. The answer
   * says whether L2 wrote them all: only then may a record that says they are there follow them
   * ({@link #putRecord}). Chunk {@code i} holds bytes {@code [i * chunkSize, (i + 1) * chunkSize)}.
   */
  public CompletableFuture<Boolean> putMade(ChunkSource.Made source, List<byte[]> chunks) {
    List<CompletableFuture<Boolean>> writes = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      ChunkKey key = source.key(i);
      byte[] bytes = chunks.get(i);
      if (bytes.length != lengthOf(source, i)) {
        throw new IllegalArgumentException(
            "chunk " + i + " of " + key + " is " + bytes.length + " bytes");
      }
      if (settings.enabled()) {
        l1.put(key, CompletableFuture.completedFuture(bytes));
      }
      writes.add(l2.putConfirmed(key, bytes));
    }
    return CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenApply(done -> writes.stream().allMatch(CompletableFuture::join));
  }

  /**
   * A small record kept in L2 beside the chunks (a variant's manifest), {@code length} bytes long;
   * null when L2 lacks it or cannot answer.
   */
  public CompletableFuture<byte[]> record(ChunkKey key, int length) {
    return l2.get(key, length).thenApply(SharedTier.Lookup::bytes);
  }

  /** Writes a small record to L2 in the background; the answer says whether it was written. */
  public CompletableFuture<Boolean> putRecord(ChunkKey key, byte[] bytes) {
    return l2.putConfirmed(key, bytes);
  }

  /** Bytes held in L1 (audio plus per-entry overhead); at most {@code cadenza.cache.memory}. */
  public long l1WeightedSize() {
    l1.synchronous().cleanUp();
    return weightedSize();
  }

  /**
   * L1's size once Caffeine has done its pending evictions: under concurrent writes it evicts after
   * the write that overflowed, so {@link #l1WeightedSize} may exceed the bound by the chunks being
   * written at that moment. For tests.
   */
  long l1SettledSize() {
    l1.synchronous().cleanUp();
    return weightedSize();
  }

  private long weightedSize() {
    return eviction.weightedSize().orElse(0) + unread.bytes();
  }

  /** Drops every chunk from L1: for tests and tools. */
  public void clearL1() {
    l1.synchronous().invalidateAll();
    unread.clear();
  }

  /** Whether no L2 write is queued or in flight: for tests. */
  public boolean l2WritesIdle() {
    return l2.writesIdle();
  }

  /** The L2 breaker's state: CLOSED, OPEN, HALF_OPEN; or NONE without L2. */
  public String breakerState() {
    return l2.breakerState();
  }

  /**
   * Always UP: the cache never takes the service out of rotation. The details say where chunks come
   * from now.
   */
  @Override
  public Health health() {
    Health.Builder health =
        Health.up()
            .withDetail("chunkSize", chunkSize)
            .withDetail("l1Bytes", l1WeightedSize())
            .withDetail("l1Capacity", capacity)
            .withDetail("originals", originalsInL1() ? "l1" : "page-cache")
            .withDetail(
                "prefetch",
                unread.bound() == 0
                    ? "off"
                    : "on, " + unread.bytes() + " of " + unread.bound() + " bytes unread");
    l2.health(health);
    return health.build();
  }

  @Override
  public void destroy() {
    l2.close();
    origin.close();
  }
}
