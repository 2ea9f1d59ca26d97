package dev.cadenza.stream.cache;

import dev.cadenza.stream.dynamodb.DynamoDbFault;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The cache's meters, per tier ({@code l1}, {@code l2}, {@code origin}):
 *
 * <ul>
 *   <li>{@code cadenza.cache.requests{tier, result=hit|miss}}: lookups in L1 and L2 (an L2 lookup
 *       that finds an expired or corrupt item is a miss; a failed one is {@code result=error}, one
 *       the open breaker kept from DynamoDB {@code result=skipped}); origin reads count as {@code
 *       tier=origin,result=hit}
 *   <li>{@code cadenza.cache.l2.errors{operation=get|batch_get|put|probe,
 *       kind=throttled|timeout|reset|unreachable|other}}: failed L2 calls, by what went wrong
 *   <li>{@code cadenza.cache.bytes{tier}}: bytes served from L1, read from L2 and from the files
 *   <li>{@code cadenza.cache.latency{tier=l2|origin, operation}}: time of L2 gets, batch gets and
 *       puts, and of origin reads
 *   <li>{@code cadenza.cache.evictions{tier=l1}}, {@code cadenza.cache.size{tier=l1}} (bytes), its
 *       bound {@code cadenza.cache.capacity{tier=l1}}
 *   <li>{@code cadenza.cache.l2.corrupt}, {@code cadenza.cache.l2.expired}: items found bad and
 *       rewritten
 *   <li>{@code cadenza.cache.l2.writes{result=ok|failed|dropped, reason}}, {@code
 *       cadenza.cache.l2.write.queue} (chunks waiting)
 *   <li>{@code cadenza.cache.l2.breaker.state}: 0 closed, 1 half-open, 2 open; {@code
 *       cadenza.cache.l2.breaker.opened}: times it opened
 *   <li>{@code cadenza.cache.readahead{source=l2|origin}}: chunks fetched ahead of a reader
 *   <li>prefetch: {@code cadenza.cache.prefetch.requests{result=queued|dropped}} (track starts),
 *       {@code cadenza.cache.prefetch.chunks{result=issued|skipped|failed, reason=none|cached}},
 *       {@code cadenza.cache.prefetch.bytes} (loaded), {@code cadenza.cache.prefetch.hits}, {@code
 *       cadenza.cache.prefetch.wasted} (dropped unread), {@code cadenza.cache.prefetch.unread}
 *       (bytes of unread prefetched chunks), {@code cadenza.cache.prefetch.queue}
 * </ul>
 */
final class CacheMetrics {

  private final MeterRegistry meters;
  private final Counter l1Hits;
  private final Counter l1Misses;
  private final Counter l2Hits;
  private final Counter l2Misses;
  private final Counter l2Errors;
  private final Counter l2Skipped;
  private final Map<String, Counter> failures = new ConcurrentHashMap<>();
  private final Counter originReads;
  private final Counter l1Bytes;
  private final Counter l2Bytes;
  private final Counter originBytes;
  private final Counter evictions;
  private final Counter corrupt;
  private final Counter expired;
  private final Counter writesOk;
  private final Counter writesFailed;
  private final Counter madeGone;
  private final Map<String, Counter> dropped = new ConcurrentHashMap<>();
  private final Timer l2Get;
  private final Timer l2BatchGet;
  private final Timer l2Put;
  private final Timer originRead;
  private final Counter readAheadL2;
  private final Counter readAheadOrigin;
  private final Counter prefetchQueued;
  private final Counter prefetchDropped;
  private final Counter prefetchJoined;
  private final Counter prefetchRecent;
  private final Counter prefetchIssued;
  private final Counter prefetchCached;
  private final Counter prefetchFailed;
  private final Counter prefetchBytes;
  private final Counter prefetchHits;
  private final Counter prefetchWasted;

  CacheMetrics(MeterRegistry meters) {
    this.meters = meters;
    this.l1Hits = requests("l1", "hit");
    this.l1Misses = requests("l1", "miss");
    this.l2Hits = requests("l2", "hit");
    this.l2Misses = requests("l2", "miss");
    this.l2Errors = requests("l2", "error");
    this.l2Skipped = requests("l2", "skipped");
    this.originReads = requests("origin", "hit");
    this.l1Bytes = bytes("l1");
    this.l2Bytes = bytes("l2");
    this.originBytes = bytes("origin");
    this.evictions =
        Counter.builder("cadenza.cache.evictions")
            .description("Chunks evicted to keep the cache within its bound")
            .tag("tier", "l1")
            .register(meters);
    this.corrupt =
        Counter.builder("cadenza.cache.l2.corrupt")
            .description("L2 items whose length or checksum did not match; read from the origin")
            .register(meters);
    this.expired =
        Counter.builder("cadenza.cache.l2.expired")
            .description("L2 items found past their expiry; read from the origin")
            .register(meters);
    this.writesOk = writes("ok");
    this.writesFailed = writes("failed");
    this.madeGone =
        Counter.builder("cadenza.cache.made.gone")
            .description(
                "Chunks of transcoded variants found in no tier (evicted or expired): made again")
            .register(meters);
    this.l2Get = latency("l2", "get");
    this.l2BatchGet = latency("l2", "batch_get");
    this.l2Put = latency("l2", "put");
    this.originRead = latency("origin", "read");
    this.readAheadL2 = readAhead("l2");
    this.readAheadOrigin = readAhead("origin");
    this.prefetchQueued = prefetchStarts("queued");
    this.prefetchDropped = prefetchStarts("dropped");
    this.prefetchJoined = prefetchStarts("joined");
    this.prefetchRecent = prefetchStarts("recent");
    this.prefetchIssued = prefetchChunks("issued", "none");
    this.prefetchCached = prefetchChunks("skipped", "cached");
    this.prefetchFailed = prefetchChunks("failed", "none");
    this.prefetchBytes =
        Counter.builder("cadenza.cache.prefetch.bytes")
            .description(
                "Chunk bytes prefetched into L1 (read from L2 or the library files), or read"
                    + " into the page cache when it serves originals")
            .baseUnit("bytes")
            .register(meters);
    this.prefetchHits =
        Counter.builder("cadenza.cache.prefetch.hits")
            .description("Prefetched chunks read by a listener (each counts once)")
            .register(meters);
    this.prefetchWasted =
        Counter.builder("cadenza.cache.prefetch.wasted")
            .description("Prefetched chunks dropped unread, to make room for newer prefetches")
            .register(meters);
  }

  private Counter prefetchStarts(String result) {
    return Counter.builder("cadenza.cache.prefetch.requests")
        .description(
            "Track starts that asked for a prefetch: queued, joined (that track's start was queued"
                + " already), recent (that track's prefetch ran seconds ago) or dropped (queue"
                + " full)")
        .tag("result", result)
        .register(meters);
  }

  private Counter prefetchChunks(String result, String reason) {
    return Counter.builder("cadenza.cache.prefetch.chunks")
        .description(
            "Chunks considered for prefetch: issued, skipped (in L1 already) or failed to load")
        .tag("result", result)
        .tag("reason", reason)
        .register(meters);
  }

  private Counter requests(String tier, String result) {
    return Counter.builder("cadenza.cache.requests")
        .description("Chunk lookups per tier and result")
        .tag("tier", tier)
        .tag("result", result)
        .register(meters);
  }

  private Counter bytes(String tier) {
    return Counter.builder("cadenza.cache.bytes")
        .description("Chunk bytes served from L1, or read from L2 or the library files")
        .baseUnit("bytes")
        .tag("tier", tier)
        .register(meters);
  }

  private Counter writes(String result) {
    return Counter.builder("cadenza.cache.l2.writes")
        .description("Chunk writes to L2")
        .tag("result", result)
        .tag("reason", "none")
        .register(meters);
  }

  private Timer latency(String tier, String operation) {
    return Timer.builder("cadenza.cache.latency")
        .description("Time of L2 calls and origin reads")
        .tag("tier", tier)
        .tag("operation", operation)
        .publishPercentileHistogram()
        .register(meters);
  }

  private Counter readAhead(String source) {
    return Counter.builder("cadenza.cache.readahead")
        .description("Chunks fetched ahead of a sequential reader")
        .tag("source", source)
        .register(meters);
  }

  void l1(boolean hit) {
    (hit ? l1Hits : l1Misses).increment();
  }

  void l1Served(int bytes) {
    l1Bytes.increment(bytes);
  }

  void l2(L2Chunks.Outcome outcome, int bytes) {
    switch (outcome) {
      case HIT -> {
        l2Hits.increment();
        l2Bytes.increment(bytes);
      }
      case CORRUPT -> {
        l2Misses.increment();
        corrupt.increment();
      }
      case EXPIRED -> {
        l2Misses.increment();
        expired.increment();
      }
      case MISSING -> l2Misses.increment();
      case UNPROCESSED -> l2Errors.increment();
    }
  }

  void l2Error() {
    l2Errors.increment();
  }

  /** Lookups the open breaker answered as misses without calling DynamoDB. */
  void l2Skipped(int lookups) {
    l2Skipped.increment(lookups);
  }

  /** An L2 call ({@code get}, {@code batch_get}, {@code put}, {@code probe}) failed so. */
  void l2Failed(String operation, DynamoDbFault kind) {
    failures
        .computeIfAbsent(
            operation + '/' + kind.tag(),
            k ->
                Counter.builder("cadenza.cache.l2.errors")
                    .description("Failed DynamoDB calls of the chunk cache, by what went wrong")
                    .tag("operation", operation)
                    .tag("kind", kind.tag())
                    .register(meters))
        .increment();
  }

  void l2Get(long nanos) {
    l2Get.record(nanos, TimeUnit.NANOSECONDS);
  }

  void l2BatchGet(long nanos) {
    l2BatchGet.record(nanos, TimeUnit.NANOSECONDS);
  }

  void origin(int bytes, long nanos) {
    originReads.increment();
    originBytes.increment(bytes);
    originRead.record(nanos, TimeUnit.NANOSECONDS);
  }

  void evicted() {
    evictions.increment();
  }

  void readAhead(boolean fromL2) {
    (fromL2 ? readAheadL2 : readAheadOrigin).increment();
  }

  void prefetchRequested(boolean queued) {
    (queued ? prefetchQueued : prefetchDropped).increment();
  }

  /** A track start that joined the same track's start already queued. */
  void prefetchJoined() {
    prefetchJoined.increment();
  }

  /** A track start that came less than {@link Prefetcher#RECENT} after the same track's run. */
  void prefetchRecent() {
    prefetchRecent.increment();
  }

  void prefetchChunk(ChunkCache.PrefetchOutcome outcome) {
    switch (outcome) {
      case ISSUED -> prefetchIssued.increment();
      case CACHED -> prefetchCached.increment();
      case OFF -> {
        // not counted: prefetch is off
      }
    }
  }

  void prefetchLoaded(int bytes) {
    prefetchBytes.increment(bytes);
  }

  void prefetchFailed() {
    prefetchFailed.increment();
  }

  void prefetchHit() {
    prefetchHits.increment();
  }

  void prefetchWasted() {
    prefetchWasted.increment();
  }

  void prefetchUnread(LongSupplier bytes) {
    Gauge.builder("cadenza.cache.prefetch.unread", bytes, b -> b.getAsLong())
        .description("Bytes in L1 of prefetched chunks nobody has read yet")
        .baseUnit("bytes")
        .strongReference(true)
        .register(meters);
  }

  void prefetchQueue(IntSupplier size) {
    Gauge.builder("cadenza.cache.prefetch.queue", size, s -> s.getAsInt())
        .description("Track starts waiting to be prefetched")
        .strongReference(true)
        .register(meters);
  }

  void writeDone(int bytes, long nanos) {
    writesOk.increment();
    l2Put.record(nanos, TimeUnit.NANOSECONDS);
  }

  void madeChunkGone() {
    madeGone.increment();
  }

  void writeFailed() {
    writesFailed.increment();
  }

  void writeDropped(String reason) {
    dropped
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("cadenza.cache.l2.writes")
                    .description("Chunk writes to L2")
                    .tag("result", "dropped")
                    .tag("reason", r)
                    .register(meters))
        .increment();
  }

  void writeQueue(IntSupplier size) {
    Gauge.builder("cadenza.cache.l2.write.queue", size, s -> s.getAsInt())
        .description("Chunks waiting to be written to L2")
        .strongReference(true)
        .register(meters);
  }

  void l1Size(LongSupplier bytes, long capacity) {
    Gauge.builder("cadenza.cache.size", bytes, b -> b.getAsLong())
        .description("Bytes held: audio and per-chunk overhead")
        .baseUnit("bytes")
        .tag("tier", "l1")
        .strongReference(true)
        .register(meters);
    Gauge.builder("cadenza.cache.capacity", () -> capacity)
        .description("The most bytes of audio the tier holds")
        .baseUnit("bytes")
        .tag("tier", "l1")
        .register(meters);
  }

  void breakerOpened() {
    Counter.builder("cadenza.cache.l2.breaker.opened")
        .description("Times the DynamoDB circuit breaker opened")
        .register(meters)
        .increment();
  }

  void breaker(IntSupplier state) {
    Gauge.builder("cadenza.cache.l2.breaker.state", state, s -> s.getAsInt())
        .description("DynamoDB circuit breaker: 0 closed, 1 half-open, 2 open")
        .strongReference(true)
        .register(meters);
  }
}
