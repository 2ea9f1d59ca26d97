package dev.cadenza.stream.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.library.Track;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Predictive prefetch (docs/caching.md#predictive-prefetch). When a track starts, the first {@code
 * cadenza.cache.prefetch.chunks} chunks of the {@code cadenza.cache.prefetch.tracks} likely next
 * tracks ({@link LikelyNext}) are loaded into L1 through the cache's normal path (L2, then the
 * file), so that the next track starts from memory.
 *
 * <p>At low priority: one thread, one chunk load at a time, fed by a bounded queue of track starts
 * ({@code cadenza.cache.prefetch.queue}). A full queue drops the start (counted); the request
 * thread never waits. Chunks in L1 already are skipped. {@link ChunkCache#prefetch} keeps unread
 * prefetched chunks beside Caffeine within {@code max-share} of L1, the oldest making room.
 *
 * <p>When the page cache serves originals ({@link ChunkCache#originalsInL1} false), loading them
 * into L1 would hold on the heap what no response reads from there: the same chunks are read from
 * the file into one reused buffer instead, which leaves them in the kernel's page cache. They count
 * as issued and their bytes as loaded; the kernel does not say what it held already, so none is
 * skipped as cached, and {@code cadenza.cache.prefetch.hits} stays 0 (docs/caching.md).
 *
 * <p>A track whose prefetch ran less than {@link #RECENT} ago is not prefetched again (counted as
 * {@code result=recent}): its likely next tracks are the same and were warmed just now. Without
 * this a popular track cost a similarity ranking and a read of the next tracks' first chunks on
 * every start: a sixth of the server's CPU under short whole-file requests (docs/benchmarks.md).
 */
@Component
public class Prefetcher implements DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(Prefetcher.class);

  /** The longest the prefetch thread waits for one chunk before it moves on. */
  static final long LOAD_WAIT_SECONDS = 30;

  /**
   * How long a prefetch run stands for later starts of the same track: short against the life of a
   * prefetched chunk (in L1's unread share, or in the page cache), long against the gap between two
   * listeners' starts of a popular track.
   */
  static final Duration RECENT = Duration.ofSeconds(10);

  /** Tracks remembered as recently prefetched; past this many the oldest are forgotten early. */
  private static final int RECENT_TRACKS = 10_000;

  private final ChunkCache cache;
  private final LikelyNext likelyNext;
  private final int tracks;
  private final int chunks;
  private final ThreadPoolExecutor executor;
  private final AtomicInteger pending = new AtomicInteger();

  /**
   * Tracks whose start waits in the queue: a start of one of them again joins it, since that run
   * will claim the same chunks. A popular track started by many listeners at once then costs one
   * run, not a queue full of copies (and rejections) behind it.
   */
  private final Set<String> queued = ConcurrentHashMap.newKeySet();

  /** Tracks whose prefetch ran less than {@link #RECENT} ago. */
  private final Cache<String, Boolean> recent;

  /** Where the prefetch thread reads chunks into the page cache: one chunk, made on first use. */
  private ByteBuffer scratch;

  @Autowired
  public Prefetcher(ChunkCache cache, LikelyNext likelyNext, CadenzaProperties properties) {
    this(cache, likelyNext, properties, Ticker.systemTicker());
  }

  /** With {@code ticker} as the clock of {@link #RECENT}: for tests. */
  Prefetcher(ChunkCache cache, LikelyNext likelyNext, CadenzaProperties properties, Ticker ticker) {
    this.cache = cache;
    this.recent =
        Caffeine.newBuilder()
            .expireAfterWrite(RECENT)
            .maximumSize(RECENT_TRACKS)
            .ticker(ticker)
            // its upkeep is a few entries, done by the caller: no hand-off to another thread
            .executor(Runnable::run)
            .build();
    this.likelyNext = likelyNext;
    CadenzaProperties.Cache.Prefetch settings = properties.cache().prefetch();
    this.tracks = settings.tracks();
    this.chunks = settings.chunks();
    this.executor =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(settings.queue()),
            r -> {
              Thread t = new Thread(r, "cadenza-prefetch");
              t.setDaemon(true);
              t.setPriority(Thread.MIN_PRIORITY);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
    cache.metrics().prefetchQueue(() -> executor.getQueue().size());
    if (cache.prefetchEnabled()) {
      log.info(
          "Prefetch: first {} chunks of {} likely next tracks per track start, at most {} bytes"
              + " unread",
          chunks,
          tracks,
          cache.prefetchBound());
    }
  }

  /** Whether track starts prefetch anything. */
  public boolean enabled() {
    return cache.prefetchEnabled();
  }

  /**
   * A listener started {@code track} (a GET whose range covers its first byte): queues the prefetch
   * of its likely next tracks. Returns at once; does nothing when prefetch is off.
   */
  public void trackStarted(Track track) {
    if (!cache.prefetchEnabled()) {
      return;
    }
    if (recent.getIfPresent(track.id()) != null) {
      cache.metrics().prefetchRecent();
      return;
    }
    if (!queued.add(track.id())) {
      cache.metrics().prefetchJoined();
      return;
    }
    pending.incrementAndGet();
    try {
      executor.execute(() -> run(track));
      cache.metrics().prefetchRequested(true);
    } catch (RejectedExecutionException e) {
      queued.remove(track.id());
      pending.decrementAndGet();
      cache.metrics().prefetchRequested(false);
    }
  }

  /** Whether no prefetch is queued or running: for tests. */
  public boolean idle() {
    return pending.get() == 0;
  }

  private void run(Track started) {
    recent.put(started.id(), Boolean.TRUE); // before the claims: a start from now on is recent
    queued.remove(started.id());
    try {
      List<Track> next = likelyNext.after(started, tracks);
      for (Track track : next) {
        int count =
            (int) Math.min(chunks, (track.size() + cache.chunkSize() - 1) / cache.chunkSize());
        if (!cache.originalsInL1()) {
          intoPageCache(track, count);
        } else if (!intoL1(track, count)) {
          return;
        }
      }
    } catch (RuntimeException e) {
      log.debug("Prefetch after {} failed: {}", started.id(), e.toString());
    } finally {
      pending.decrementAndGet();
    }
  }

  /** Loads the first {@code count} chunks into L1; false when prefetch turned out to be off. */
  private boolean intoL1(Track track, int count) {
    for (int index = 0; index < count; index++) {
      AtomicReference<CompletableFuture<byte[]>> loading = new AtomicReference<>();
      ChunkCache.PrefetchOutcome outcome = cache.prefetch(track, index, loading::set);
      cache.metrics().prefetchChunk(outcome);
      if (outcome == ChunkCache.PrefetchOutcome.OFF) {
        return false;
      }
      if (loading.get() != null) {
        await(track, index, loading.get());
      }
    }
    return true;
  }

  /** Reads the first {@code count} chunks of the file, so that the page cache holds them. */
  private void intoPageCache(Track track, int count) {
    if (scratch == null) {
      // direct: the JDK would read into a heap buffer through a temporary direct one
      scratch = ByteBuffer.allocateDirect(cache.chunkSize());
    }
    try (FileChannel channel = FileChannel.open(track.file(), StandardOpenOption.READ)) {
      for (int index = 0; index < count; index++) {
        long position = (long) index * cache.chunkSize();
        scratch.clear();
        int read = 0;
        while (scratch.hasRemaining()) {
          int n = channel.read(scratch, position + read);
          if (n < 0) {
            break; // shorter than the catalogue says: the rescan will tell
          }
          read += n;
        }
        cache.metrics().prefetchChunk(ChunkCache.PrefetchOutcome.ISSUED);
        cache.metrics().prefetchLoaded(read);
      }
    } catch (IOException e) {
      cache.metrics().prefetchFailed();
      log.debug("Prefetch of {} into the page cache failed: {}", track.id(), e.toString());
    }
  }

  /** One load at a time: prefetch never takes more than one origin thread or L2 call. */
  private void await(Track track, int index, CompletableFuture<byte[]> loading) {
    try {
      byte[] bytes = loading.get(LOAD_WAIT_SECONDS, TimeUnit.SECONDS);
      cache.metrics().prefetchLoaded(bytes.length);
    } catch (ExecutionException | TimeoutException e) {
      cache.metrics().prefetchFailed();
      log.debug("Prefetch of {} chunk {} failed: {}", track.id(), index, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  @Override
  public void destroy() {
    executor.shutdownNow();
  }
}
