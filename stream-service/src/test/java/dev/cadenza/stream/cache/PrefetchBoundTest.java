package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/**
 * The prefetcher on a real cache and catalogue, without the web layer: the share bound, hits and
 * waste, repeated starts, and when prefetch is off.
 */
class PrefetchBoundTest {

  static final int WEIGHT = PrefetchFixtures.CHUNK + ChunkCache.ENTRY_OVERHEAD;

  @TempDir Path root;
  final MeterRegistry meters = new SimpleMeterRegistry();
  final List<AutoCloseable> closing = new ArrayList<>();

  /** The prefetchers' clock (nanoseconds), moved by hand. */
  final AtomicLong now = new AtomicLong();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  ChunkCache cache(CadenzaProperties properties) {
    ChunkCache cache =
        new ChunkCache(properties, new CacheMetrics(meters), SharedTier.NONE, OriginalsTier.L1);
    closing.add(cache::destroy);
    return cache;
  }

  Prefetcher prefetcher(ChunkCache cache, Catalog catalog, CadenzaProperties properties) {
    Prefetcher prefetcher =
        new Prefetcher(cache, new LikelyNext(() -> catalog, () -> null), properties, now::get);
    closing.add(prefetcher::destroy);
    return prefetcher;
  }

  static void awaitIdle(Prefetcher prefetcher) {
    await()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2))
        .atMost(Duration.ofSeconds(20))
        .until(prefetcher::idle);
  }

  double count(String name) {
    return meters.counter(name).count();
  }

  @Test
  void unreadPrefetchedChunksNeverTakeMoreThanTheirShareOfATinyL1() throws Exception {
    // L1 holds 48 chunks; 10% of it holds 4 chunks (4 * 4256 bytes of 20428)
    DataSize memory = DataSize.ofBytes(48L * WEIGHT);
    CadenzaProperties properties =
        PrefetchFixtures.properties(
            root, true, memory, new CadenzaProperties.Cache.Prefetch(true, 2, 2, 0.1, 64));
    List<Track> tracks = PrefetchFixtures.albums(root, 40, 4, 4 * PrefetchFixtures.CHUNK);
    Catalog catalog = new Catalog(tracks);
    ChunkCache cache = cache(properties);
    Prefetcher prefetcher = prefetcher(cache, catalog, properties);
    long bound = cache.prefetchBound();
    assertThat(bound).isEqualTo((long) (48L * WEIGHT * 0.1));

    // fill L1 with chunks listeners read: the last track of albums 30..39, twice each
    List<int[]> normal = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      for (int a = 30; a < 40; a++) {
        Track t = tracks.get(a * 4 + 3);
        for (int i = 0; i < 4; i++) {
          cache.get(t, i).get();
          if (round == 0) {
            normal.add(new int[] {a * 4 + 3, i});
          }
        }
      }
    }
    long normalBefore = normalBytes(cache, tracks, normal);
    assertThat(normalBefore).isGreaterThan(30L * WEIGHT);

    // 120 track starts, none of whose prefetched chunks is ever read
    for (int i = 0; i < 120; i++) {
      prefetcher.trackStarted(tracks.get(i));
      awaitIdle(prefetcher);
      assertThat(cache.prefetchUnreadBytes()).isBetween(0L, bound);
      assertThat(cache.l1WeightedSize()).isLessThanOrEqualTo(memory.toBytes());
      // only prefetch added anything: it displaced at most its share (and one chunk of slack:
      // Caffeine evicts whole chunks)
      assertThat(normalBytes(cache, tracks, normal))
          .as("chunks listeners read, still in L1, after %d track starts", i + 1)
          .isGreaterThanOrEqualTo(normalBefore - bound - WEIGHT);
    }
    assertThat(cache.prefetchUnreadPeak()).isPositive().isLessThanOrEqualTo(bound);
    assertThat(count("cadenza.cache.prefetch.hits")).isZero();
    // newer prefetches displaced older unread ones: waste
    assertThat(count("cadenza.cache.prefetch.wasted")).isPositive();
    assertThat(meters.get("cadenza.cache.prefetch.unread").gauge().value())
        .isEqualTo((double) cache.prefetchUnreadBytes());
  }

  private static long normalBytes(ChunkCache cache, List<Track> tracks, List<int[]> chunks) {
    cache.l1WeightedSize(); // runs Caffeine's pending maintenance
    return chunks.stream().filter(c -> cache.inL1(tracks.get(c[0]), c[1])).count() * WEIGHT;
  }

  @Test
  void aStartWarmsTheNextTracksFirstChunksAndReadingThemCountsHitsOnce() throws Exception {
    CadenzaProperties properties =
        PrefetchFixtures.properties(
            root, true, DataSize.ofMegabytes(4), CadenzaProperties.Cache.Prefetch.defaults());
    List<Track> tracks = PrefetchFixtures.albums(root, 1, 4, 5 * PrefetchFixtures.CHUNK);
    ChunkCache cache = cache(properties);
    Prefetcher prefetcher = prefetcher(cache, new Catalog(tracks), properties);

    prefetcher.trackStarted(tracks.get(0));
    awaitIdle(prefetcher);

    for (Track next : List.of(tracks.get(1), tracks.get(2))) {
      assertThat(cache.inL1(next, 0)).isTrue();
      assertThat(cache.inL1(next, 1)).isTrue();
      assertThat(cache.inL1(next, 2)).isFalse();
    }
    assertThat(cache.inL1(tracks.get(3), 0)).isFalse();
    assertThat(cache.prefetchUnreadBytes()).isEqualTo(4L * WEIGHT);
    assertThat(count("cadenza.cache.prefetch.bytes")).isEqualTo(4.0 * PrefetchFixtures.CHUNK);

    Track second = tracks.get(1);
    byte[] file = Files.readAllBytes(second.file());
    assertThat(cache.getIfLoaded(second, 0))
        .isEqualTo(Arrays.copyOfRange(file, 0, PrefetchFixtures.CHUNK));
    assertThat(cache.get(second, 0).get()).hasSize(PrefetchFixtures.CHUNK); // counted once
    assertThat(cache.get(second, 1).get())
        .isEqualTo(Arrays.copyOfRange(file, PrefetchFixtures.CHUNK, 2 * PrefetchFixtures.CHUNK));
    assertThat(count("cadenza.cache.prefetch.hits")).isEqualTo(2);
    assertThat(cache.prefetchUnreadBytes()).isEqualTo(2L * WEIGHT);

    // a second start of the same track, once the first run is no longer recent, finds everything
    // in L1
    now.addAndGet(Prefetcher.RECENT.toNanos());
    prefetcher.trackStarted(tracks.get(0));
    awaitIdle(prefetcher);
    assertThat(
            meters
                .counter("cadenza.cache.prefetch.chunks", "result", "skipped", "reason", "cached")
                .count())
        .isEqualTo(4);
    assertThat(
            meters
                .counter("cadenza.cache.prefetch.chunks", "result", "issued", "reason", "none")
                .count())
        .isEqualTo(4);
  }

  @Test
  void startsOfATrackSecondsAfterItsPrefetchRanAreCountedAndPrefetchNothing() throws Exception {
    CadenzaProperties properties =
        PrefetchFixtures.properties(
            root, true, DataSize.ofMegabytes(4), CadenzaProperties.Cache.Prefetch.defaults());
    List<Track> tracks = PrefetchFixtures.albums(root, 1, 4, 5 * PrefetchFixtures.CHUNK);
    ChunkCache cache = cache(properties);
    Prefetcher prefetcher = prefetcher(cache, new Catalog(tracks), properties);
    prefetcher.trackStarted(tracks.get(0));
    awaitIdle(prefetcher);

    now.addAndGet(Prefetcher.RECENT.toNanos() - 1);
    for (int i = 0; i < 3; i++) {
      prefetcher.trackStarted(tracks.get(0));
    }
    prefetcher.trackStarted(tracks.get(1)); // another track: its own run
    awaitIdle(prefetcher);

    assertThat(meters.counter("cadenza.cache.prefetch.requests", "result", "recent").count())
        .isEqualTo(3);
    assertThat(meters.counter("cadenza.cache.prefetch.requests", "result", "queued").count())
        .isEqualTo(2);
    // the first run issued 4 chunks; the second (tracks 2 and 3) found track 2's in L1
    assertThat(
            meters
                .counter("cadenza.cache.prefetch.chunks", "result", "issued", "reason", "none")
                .count())
        .isEqualTo(6);
    assertThat(cache.inL1(tracks.get(3), 1)).isTrue();
  }

  @Test
  void aPrefetchedChunkWaitsForItsListenerWhateverElseIsRead() throws Exception {
    DataSize memory = DataSize.ofBytes(48L * WEIGHT);
    CadenzaProperties properties =
        PrefetchFixtures.properties(
            root, true, memory, new CadenzaProperties.Cache.Prefetch(true, 1, 2, 0.1, 64));
    List<Track> tracks = PrefetchFixtures.albums(root, 30, 2, 4 * PrefetchFixtures.CHUNK);
    ChunkCache cache = cache(properties);
    Prefetcher prefetcher = prefetcher(cache, new Catalog(tracks), properties);

    prefetcher.trackStarted(tracks.get(0));
    awaitIdle(prefetcher);
    // other listeners read 58 tracks (232 chunks, nearly 5 times L1), each chunk twice: in
    // Caffeine alone, a chunk loaded once would have lost its place to them
    for (int t = 2; t < tracks.size(); t++) {
      for (int i = 0; i < 4; i++) {
        cache.get(tracks.get(t), i).get();
        cache.get(tracks.get(t), i).get();
      }
    }

    assertThat(cache.inL1(tracks.get(1), 0)).isTrue();
    assertThat(cache.inL1(tracks.get(1), 1)).isTrue();
    assertThat(cache.l1WeightedSize()).isLessThanOrEqualTo(memory.toBytes());
    cache.get(tracks.get(1), 0).get();
    cache.get(tracks.get(1), 1).get();
    assertThat(count("cadenza.cache.prefetch.hits")).isEqualTo(2);
    assertThat(cache.prefetchUnreadBytes()).isZero();
  }

  @Test
  void offWhenDisabledOrWhenTheCacheIsOff() throws Exception {
    List<Track> tracks = PrefetchFixtures.albums(root, 1, 3, 5 * PrefetchFixtures.CHUNK);
    Catalog catalog = new Catalog(tracks);
    CadenzaProperties.Cache.Prefetch off =
        new CadenzaProperties.Cache.Prefetch(false, 2, 2, 0.1, 64);
    for (CadenzaProperties properties :
        List.of(
            PrefetchFixtures.properties(root, true, DataSize.ofMegabytes(4), off),
            PrefetchFixtures.properties(
                root, false, DataSize.ofMegabytes(4), CadenzaProperties.Cache.Prefetch.defaults()),
            // 10% of 16 KiB cannot hold a 4 KiB chunk
            PrefetchFixtures.properties(
                root,
                true,
                DataSize.ofKilobytes(16),
                CadenzaProperties.Cache.Prefetch.defaults()))) {
      ChunkCache cache = cache(properties);
      Prefetcher prefetcher = prefetcher(cache, catalog, properties);

      prefetcher.trackStarted(tracks.get(0));

      assertThat(prefetcher.enabled()).isFalse();
      assertThat(prefetcher.idle()).isTrue();
      assertThat(cache.inL1(tracks.get(1), 0)).isFalse();
      assertThat(cache.health().getDetails()).containsEntry("prefetch", "off");
    }
    assertThat(meters.find("cadenza.cache.prefetch.requests").counters())
        .allSatisfy(c -> assertThat(c.count()).isZero());
  }
}
