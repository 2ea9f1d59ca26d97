package dev.cadenza.stream.cache;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.Track;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The tiered chunk cache: L1 in process (Caffeine, W-TinyLFU, bounded by bytes), L2 in the shared
 * DynamoDB chunks table when DynamoDB is configured, and the library file last. docs/caching.md
 * describes it.
 *
 * <ul>
 *   <li>Concurrent misses for one chunk load it once: the loading future sits in L1 and every
 *       reader waits on it.
 *   <li>{@link #readAhead} claims the next chunks of a sequential reader and fetches them in one
 *       BatchGetItem from L2 (the origin for what L2 lacks).
 *   <li>Chunks read from the origin go to L2 through a bounded background queue ({@link L2Writer});
 *       a full queue drops the write, never blocks a listener.
 *   <li>{@link #prefetch} (driven by {@link Prefetcher}) loads the first chunks of likely next
 *       tracks; until read they wait beside Caffeine, within {@code max-share} of the bound.
 *   <li>Every L2 call goes through a circuit breaker ({@link L2Breaker}); any failure falls back to
 *       the origin for that chunk. A DynamoDB outage costs latency, never a failed response, and
 *       readiness does not depend on it.
 * </ul>
 */
@Component
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
  private final com.github.benmanes.caffeine.cache.Policy.Eviction<ChunkKey, byte[]> eviction;
  private final OriginReader origin;
  private final ExecutorService originPool;
  private final CacheMetrics metrics;
  private final L2Chunks l2;
  private final L2Breaker breaker;
  private final L2Writer writer;
  private final ScheduledExecutorService prober;

  /**
   * Prefetched chunks nobody has read yet, oldest first: their load's future and their weight. They
   * wait here, beside Caffeine, so that W-TinyLFU's admission cannot turn them away before their
   * listener comes (a chunk loaded once loses to almost any chunk read twice); Caffeine's maximum
   * is lowered by their weight, so both together stay within the L1 bound. Their total weight,
   * {@link #unreadBytes}, never exceeds {@link #prefetchBound}: a new prefetch displaces the oldest
   * unread ones (wasted). Guarded by itself; {@link #unreadBytes} is written under that lock.
   */
  private final LinkedHashMap<ChunkKey, Prefetched> unread = new LinkedHashMap<>();

  private final AtomicLong unreadBytes = new AtomicLong();
  private final AtomicLong unreadPeak = new AtomicLong();
  private final long prefetchBound;

  private record Prefetched(CompletableFuture<byte[]> future, int weight) {}

  /** What {@link #prefetch} did with one chunk. */
  enum PrefetchOutcome {
    /** Claimed in L1 and loading (from L2 or the file). */
    ISSUED,
    /** In L1 already (loaded or loading): nothing to do. */
    CACHED,
    /** Prefetch is off. */
    OFF
  }

  @Autowired
  public ChunkCache(
      CadenzaProperties properties, ObjectProvider<SharedTables> tables, MeterRegistry meters) {
    this(properties, tables.getIfAvailable(), meters, Clock.systemUTC());
  }

  ChunkCache(CadenzaProperties properties, SharedTables tables, MeterRegistry meters, Clock clock) {
    this.settings = properties.cache();
    this.chunkSize = (int) settings.chunkSize().toBytes();
    this.capacity = boundedByHeap(settings.memory().toBytes(), Runtime.getRuntime().maxMemory());
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
    this.metrics = new CacheMetrics(meters);
    this.origin = new OriginReader(chunkSize);
    AtomicInteger threads = new AtomicInteger();
    this.originPool =
        Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            r -> daemon(r, "cadenza-origin-" + threads.incrementAndGet()));
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
            .executor(originPool)
            .evictionListener(
                (ChunkKey k, byte[] v, RemovalCause cause) -> {
                  if (cause.wasEvicted()) {
                    metrics.evicted();
                  }
                })
            .buildAsync();
    this.l1Map = l1.asMap();
    this.eviction = l1.synchronous().policy().eviction().orElseThrow();
    metrics.l1Size(this::weightedSize, capacity);
    CadenzaProperties.Cache.Prefetch prefetch = settings.prefetch();
    long bound = (long) Math.floor(capacity * prefetch.maxShare());
    if (settings.enabled() && prefetch.enabled() && bound < chunkSize + ENTRY_OVERHEAD) {
      log.info(
          "Prefetch off: {} of L1 ({} bytes) cannot hold one chunk", prefetch.maxShare(), capacity);
    }
    this.prefetchBound =
        settings.enabled() && prefetch.enabled() && bound >= chunkSize + ENTRY_OVERHEAD ? bound : 0;
    metrics.prefetchUnread(unreadBytes::get);
    if (tables != null) {
      CadenzaProperties.DynamoDb db = tables.settings();
      this.l2 = new L2Chunks(tables.client(), tables.chunks(), settings.ttl(), db.timeout(), clock);
      this.breaker = new L2Breaker(db.breakerWait(), db.timeout(), metrics::breakerOpened);
      this.writer =
          new L2Writer(l2, breaker, metrics, settings.writeQueue(), settings.writeConcurrency());
      this.prober = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cadenza-l2-probe"));
      long every = db.breakerWait().toMillis();
      prober.scheduleWithFixedDelay(
          () -> breaker.probe(l2::probe), every, every, TimeUnit.MILLISECONDS);
      metrics.breaker(breaker::stateCode);
      log.info("Chunk cache: {} chunks, L1 {} bytes, L2 table {}", chunkSize, capacity, l2.table());
    } else {
      this.l2 = null;
      this.breaker = null;
      this.writer = null;
      this.prober = null;
      log.info("Chunk cache: {} chunks, L1 {} bytes, no L2", chunkSize, capacity);
    }
  }

  /**
   * L1 lives on the heap: a bound above half the heap would end in OutOfMemoryError under load
   * rather than in evictions, so it is lowered, loudly. (A container's default heap is a quarter of
   * its memory limit; raise it with {@code -XX:MaxRAMPercentage}.)
   */
  static long boundedByHeap(long configured, long maxHeap) {
    long half = maxHeap / 2;
    if (configured > half) {
      log.warn(
          "cadenza.cache.memory is {} bytes but the heap is only {} bytes: L1 holds at most {}"
              + " (raise the heap, e.g. -XX:MaxRAMPercentage=75, or lower cadenza.cache.memory)",
          configured,
          maxHeap,
          half);
      return half;
    }
    return configured;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Whether responses go through the cache ({@code cadenza.cache.enabled}). */
  public boolean enabled() {
    return settings.enabled();
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
    ChunkKey key = ChunkKey.of(track, index);
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
                return loadBelowL1(track, k);
              });
      hit = !loaded[0];
    }
    metrics.l1(hit);
    if (hit) {
      present.thenAccept(bytes -> metrics.l1Served(bytes.length));
    }
    return present;
  }

  /**
   * Chunk {@code index} if L1 holds it loaded already, else {@code null} (and nothing is loaded or
   * counted). Lets a response for a hot track go out in one write of all its chunks; the caller
   * then reports the hits with {@link #countL1Hits}.
   */
  public byte[] getIfLoaded(Track track, int index) {
    ChunkKey key = ChunkKey.of(track, index);
    CompletableFuture<byte[]> present = l1.getIfPresent(key);
    if (present == null) {
      present = takePrefetched(key, true);
    }
    if (present == null || !present.isDone() || present.isCompletedExceptionally()) {
      return null;
    }
    return present.join();
  }

  /** Whether L1 holds chunk {@code index} of the track, loaded or loading; counts nothing. */
  public boolean inL1(Track track, int index) {
    return inL1(ChunkKey.of(track, index));
  }

  private boolean inL1(ChunkKey key) {
    if (l1Map.containsKey(key)) {
      return true;
    }
    if (unreadBytes.get() == 0) {
      return false;
    }
    synchronized (unread) {
      return unread.containsKey(key);
    }
  }

  // ---- prefetch (Prefetcher decides what; this is how, and the bound)

  /** Whether prefetch is on: the cache is on, prefetch is on and its share holds a chunk. */
  public boolean prefetchEnabled() {
    return prefetchBound > 0;
  }

  /** The most bytes unread prefetched chunks may take in L1: {@code max-share} of L1. */
  public long prefetchBound() {
    return prefetchBound;
  }

  /** Bytes (weights) of prefetched chunks in L1 that nobody has read yet. */
  public long prefetchUnreadBytes() {
    return unreadBytes.get();
  }

  /** The most {@link #prefetchUnreadBytes} has ever been: for tests. */
  long prefetchUnreadPeak() {
    return unreadPeak.get();
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
  PrefetchOutcome prefetch(
      Track track, int index, java.util.function.Consumer<CompletableFuture<byte[]>> loading) {
    if (prefetchBound == 0) {
      return PrefetchOutcome.OFF;
    }
    ChunkKey key = ChunkKey.of(track, index);
    if (l1Map.containsKey(key)) {
      return PrefetchOutcome.CACHED;
    }
    int weight = lengthOf(track, index) + ENTRY_OVERHEAD;
    CompletableFuture<byte[]> f = new CompletableFuture<>();
    Prefetched p = new Prefetched(f, weight);
    synchronized (unread) {
      if (unread.containsKey(key)) {
        return PrefetchOutcome.CACHED;
      }
      // prefetchBound holds at least one chunk, so this always makes room
      var oldest = unread.entrySet().iterator();
      while (unreadBytes.get() + weight > prefetchBound && oldest.hasNext()) {
        Prefetched dropped = oldest.next().getValue();
        oldest.remove();
        unreadBytes.addAndGet(-dropped.weight());
        metrics.prefetchWasted();
      }
      unread.put(key, p);
      unreadPeak.accumulateAndGet(unreadBytes.addAndGet(weight), Math::max);
      resizeLocked();
    }
    f.whenComplete(
        (bytes, error) -> {
          if (error != null) {
            synchronized (unread) {
              if (unread.remove(key, p)) {
                unreadBytes.addAndGet(-p.weight());
                resizeLocked();
              }
            }
          }
        });
    loading.accept(f);
    loadBelowL1(track, key).whenComplete(completing(f));
    return PrefetchOutcome.ISSUED;
  }

  /**
   * The unread prefetched chunk under {@code key}, moved into Caffeine (a prefetch hit), or {@code
   * null}. With {@code loadedOnly}, a chunk still loading is left where it is.
   */
  private CompletableFuture<byte[]> takePrefetched(ChunkKey key, boolean loadedOnly) {
    if (unreadBytes.get() == 0) {
      return null;
    }
    Prefetched p;
    synchronized (unread) {
      p = unread.get(key);
      if (p == null || (loadedOnly && !p.future().isDone())) {
        return null;
      }
      unread.remove(key);
      unreadBytes.addAndGet(-p.weight());
      // room in Caffeine first, then the chunk: the sum stays within the bound
      resizeLocked();
    }
    metrics.prefetchHit();
    CompletableFuture<byte[]> there = l1Map.putIfAbsent(key, p.future());
    return there != null ? there : p.future();
  }

  /**
   * Caffeine gets what unread prefetched chunks leave of the bound. (Setting the maximum also
   * resets Caffeine's adaptive window to its initial size; bench/prefetch.sh replays this.)
   */
  private void resizeLocked() {
    eviction.setMaximum(capacity - unreadBytes.get());
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
    if (to < from || readAhead == 0) {
      return;
    }
    List<ChunkKey> absent = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      ChunkKey key = ChunkKey.of(track, i);
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
    if (l2 == null || !breaker.tryAcquire()) {
      claimed.forEach(
          (key, f) -> {
            metrics.readAhead(false);
            fromOrigin(track, key, l2 != null).whenComplete(completing(f));
          });
      return;
    }
    Map<ChunkKey, Integer> lengths = new LinkedHashMap<>();
    claimed.keySet().forEach(k -> lengths.put(k, lengthOf(track, k.index())));
    long start = System.nanoTime();
    breaker
        .call(() -> l2.getAll(lengths))
        .whenComplete(
            (found, error) -> {
              metrics.l2BatchGet(System.nanoTime() - start);
              if (error != null) {
                metrics.l2Error();
                log.debug("L2 batch read failed: {}", error.toString());
              }
              claimed.forEach(
                  (key, f) -> {
                    L2Chunks.Found item = found == null ? null : found.get(key);
                    if (item != null) {
                      metrics.l2(item.outcome(), lengths.get(key));
                    }
                    if (item != null && item.outcome() == L2Chunks.Outcome.HIT) {
                      metrics.readAhead(true);
                      f.complete(item.bytes());
                    } else {
                      metrics.readAhead(false);
                      fromOrigin(track, key, error == null).whenComplete(completing(f));
                    }
                  });
            });
  }

  private static java.util.function.BiConsumer<byte[], Throwable> completing(
      CompletableFuture<byte[]> f) {
    return (bytes, error) -> {
      if (error != null) {
        f.completeExceptionally(error);
      } else {
        f.complete(bytes);
      }
    };
  }

  private CompletableFuture<byte[]> loadBelowL1(Track track, ChunkKey key) {
    if (l2 == null || !breaker.tryAcquire()) {
      return fromOrigin(track, key, l2 != null);
    }
    int length = lengthOf(track, key.index());
    long start = System.nanoTime();
    return breaker
        .call(() -> l2.get(key, length))
        .handle(
            (found, error) -> {
              metrics.l2Get(System.nanoTime() - start);
              if (error != null) {
                metrics.l2Error();
                log.debug("L2 read of {} failed: {}", key, error.toString());
                return fromOrigin(track, key, false);
              }
              metrics.l2(found.outcome(), length);
              if (found.outcome() == L2Chunks.Outcome.HIT) {
                return CompletableFuture.completedFuture(found.bytes());
              }
              return fromOrigin(track, key, true);
            })
        .thenCompose(f -> f);
  }

  /** Reads the chunk from the file; then queues it for L2 if {@code toL2}. */
  private CompletableFuture<byte[]> fromOrigin(Track track, ChunkKey key, boolean toL2) {
    return CompletableFuture.supplyAsync(
        () -> {
          long start = System.nanoTime();
          byte[] bytes = origin.read(track, key.index());
          metrics.origin(bytes.length, System.nanoTime() - start);
          if (toL2 && writer != null) {
            writer.offer(key, bytes);
          }
          return bytes;
        },
        originPool);
  }

  private int lengthOf(Track track, int index) {
    return (int) Math.min(chunkSize, track.size() - (long) index * chunkSize);
  }

  /** Bytes held in L1 (audio plus per-entry overhead); at most {@code cadenza.cache.memory}. */
  public long l1WeightedSize() {
    l1.synchronous().cleanUp();
    return weightedSize();
  }

  private long weightedSize() {
    return eviction.weightedSize().orElse(0) + unreadBytes.get();
  }

  /** Drops every chunk from L1: for tests and tools. */
  public void clearL1() {
    l1.synchronous().invalidateAll();
    synchronized (unread) {
      unread.clear();
      unreadBytes.set(0);
      resizeLocked();
    }
  }

  /** Whether no L2 write is queued or in flight: for tests. */
  public boolean l2WritesIdle() {
    return writer == null || writer.idle();
  }

  /** The L2 breaker's state: CLOSED, OPEN, HALF_OPEN; or NONE without L2. */
  public String breakerState() {
    return breaker == null ? "NONE" : breaker.state().name();
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
            .withDetail(
                "prefetch",
                prefetchBound == 0
                    ? "off"
                    : "on, " + unreadBytes.get() + " of " + prefetchBound + " bytes unread");
    if (l2 == null) {
      return health.withDetail("l2", "none (cadenza.dynamodb.table-prefix not set)").build();
    }
    health.withDetail("l2", l2.table()).withDetail("breaker", breaker.state().name());
    if (!breaker.closed()) {
      health.withDetail(
          "degraded", "DynamoDB failing: chunks come from memory and the library files");
    }
    return health.build();
  }

  @Override
  public void destroy() {
    if (prober != null) {
      prober.shutdownNow();
    }
    if (writer != null) {
      writer.close();
    }
    originPool.shutdown();
  }
}
