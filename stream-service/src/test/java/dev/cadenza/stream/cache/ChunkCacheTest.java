package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.library.AudioFormat;
import dev.cadenza.stream.library.FileChangedException;
import dev.cadenza.stream.library.FileTags;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.util.unit.DataSize;

/** L1 and the origin on their own: single flight, read-ahead, the memory bound, versions. */
class ChunkCacheTest {

  static final int CHUNK = 64 * 1024;

  @TempDir Path dir;
  final MeterRegistry meters = new SimpleMeterRegistry();
  ChunkCache cache;

  @AfterEach
  void close() {
    if (cache != null) {
      cache.destroy();
    }
  }

  ChunkCache cache(DataSize memory, int readAhead) {
    CadenzaProperties.Cache settings =
        new CadenzaProperties.Cache(
            true,
            memory,
            DataSize.ofBytes(CHUNK),
            Duration.ofHours(1),
            readAhead,
            16,
            2,
            CadenzaProperties.Cache.Prefetch.defaults(),
            CadenzaProperties.Cache.Originals.L1);
    CadenzaProperties properties =
        new CadenzaProperties(
            new CadenzaProperties.Library(dir, Duration.ZERO, 1, Duration.ofSeconds(5), false),
            new CadenzaProperties.Api(50, 500),
            settings,
            CadenzaProperties.DynamoDb.off());
    cache = new ChunkCache(properties, new CacheMetrics(meters), SharedTier.NONE, OriginalsTier.L1);
    return cache;
  }

  Track track(String name, int bytes, long seed) throws Exception {
    Path file = TestAudio.wav(dir.resolve(name), bytes, seed);
    return new Track(name, name, file, AudioFormat.WAV, FileVersion.of(file), FileTags.NONE);
  }

  double originReads() {
    return meters.counter("cadenza.cache.requests", "tier", "origin", "result", "hit").count();
  }

  byte[] chunk(Track t, int index) throws Exception {
    byte[] all = Files.readAllBytes(t.file());
    return Arrays.copyOfRange(
        all, index * CHUNK, (int) Math.min(all.length, (long) (index + 1) * CHUNK));
  }

  @Test
  void healthSaysWhereOriginalsAreServedFrom() {
    assertThat(cache(DataSize.ofMegabytes(16), 0).health().getDetails())
        .containsEntry("originals", "l1");
  }

  @Test
  void concurrentMissesForOneChunkReadTheFileOnce() throws Exception {
    ChunkCache c = cache(DataSize.ofMegabytes(16), 0);
    Track t = track("a.wav", 500_000, 1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<byte[]>> all = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        all.add(
            CompletableFuture.supplyAsync(
                    () -> {
                      try {
                        go.await();
                      } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                      }
                      return c.get(t, 3);
                    },
                    pool)
                .thenCompose(f -> f));
      }
      go.countDown();
      for (CompletableFuture<byte[]> f : all) {
        assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(chunk(t, 3));
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(originReads()).isEqualTo(1);
  }

  @Test
  void theLastChunkIsShortAndEveryChunkIsByteExact() throws Exception {
    ChunkCache c = cache(DataSize.ofMegabytes(16), 0);
    Track t = track("b.wav", 200_000, 2); // 200044 bytes: 3 full chunks and a short one
    for (int i = 0; i < 4; i++) {
      assertThat(c.get(t, i).get()).isEqualTo(chunk(t, i));
    }
    assertThat(c.get(t, 3).get()).hasSize((int) (t.size() - 3L * CHUNK));
  }

  @Test
  void readAheadFetchesTheNextChunksOnceSoTheReaderFindsThemInMemory() throws Exception {
    ChunkCache c = cache(DataSize.ofMegabytes(16), 4);
    Track t = track("c.wav", 1_000_000, 3);
    c.readAhead(t, 1, 4);
    for (int i = 1; i <= 4; i++) {
      assertThat(c.get(t, i).get()).isEqualTo(chunk(t, i));
    }
    assertThat(originReads()).isEqualTo(4);
    assertThat(meters.counter("cadenza.cache.readahead", "source", "origin").count()).isEqualTo(4);
    assertThat(meters.counter("cadenza.cache.requests", "tier", "l1", "result", "hit").count())
        .isEqualTo(4);
    // all there: another read-ahead of the same window does nothing
    c.readAhead(t, 1, 4);
    assertThat(originReads()).isEqualTo(4);
  }

  @Test
  void memoryStaysWithinTheBoundAndEvictionsAreCounted() throws Exception {
    long bound = 1024 * 1024;
    ChunkCache c = cache(DataSize.ofBytes(bound), 2);
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      tracks.add(track("t" + i + ".wav", 1_000_000, 10 + i));
    }
    for (int round = 0; round < 3; round++) {
      for (Track t : tracks) {
        for (int i = 0; i * (long) CHUNK < t.size(); i++) {
          c.readAhead(t, i + 1, i + 2);
          assertThat(c.get(t, i).get()).isEqualTo(chunk(t, i));
          assertThat(c.l1WeightedSize()).isLessThanOrEqualTo(bound);
        }
      }
    }
    assertThat(meters.counter("cadenza.cache.evictions", "tier", "l1").count()).isPositive();
    assertThat(meters.get("cadenza.cache.size").tag("tier", "l1").gauge().value())
        .isLessThanOrEqualTo(bound);
  }

  @Test
  void aBoundAboveHalfASmallHeapIsLoweredToHalfTheHeap() {
    assertThat(ChunkCache.boundedByHeap(512L << 20, 256L << 20)).isEqualTo(128L << 20);
    assertThat(ChunkCache.boundedByHeap(64L << 20, 256L << 20)).isEqualTo(64L << 20);
  }

  @Test
  void aBoundThatLeavesTheWorkingHeapIsKeptAndALargerOneLowered() {
    // the budget's heap: L1 + 384 MiB (docs/memory.md)
    assertThat(ChunkCache.boundedByHeap(256L << 20, 640L << 20)).isEqualTo(256L << 20);
    assertThat(ChunkCache.boundedByHeap(640L << 20, 1024L << 20)).isEqualTo(640L << 20);
    assertThat(ChunkCache.boundedByHeap(1024L << 20, 1024L << 20)).isEqualTo(640L << 20);
  }

  @Test
  void underConcurrentLoadL1StaysWithinItsBoundOnceEvictionsCatchUp() throws Exception {
    long bound = 1024 * 1024;
    ChunkCache c = cache(DataSize.ofBytes(bound), 2);
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      tracks.add(track("load" + i + ".wav", 600_000, 40 + i));
    }
    int readers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(readers);
    AtomicLong highest = new AtomicLong();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int r = 0; r < readers; r++) {
        long seed = r;
        done.add(
            pool.submit(
                () -> {
                  Random random = new Random(seed);
                  for (int n = 0; n < 300; n++) {
                    Track t = tracks.get(random.nextInt(tracks.size()));
                    int index = random.nextInt((int) ((t.size() + CHUNK - 1) / CHUNK));
                    c.readAhead(t, index + 1, index + 3);
                    assertThat(c.get(t, index).get()).isEqualTo(chunk(t, index));
                    highest.accumulateAndGet(c.l1WeightedSize(), Math::max);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    // the cache's own count of the bytes it holds (audio plus each entry's overhead), sampled by
    // every reader after every read. Caffeine evicts after the write that overflowed (and, when
    // writers contend, a little later), so the count may pass the bound by the chunks in flight,
    // at most one per reader and per read-ahead slot; once evictions catch up it is within it.
    // The memory budget's working heap holds that slack (docs/memory.md).
    long inFlight = (long) readers * 3 * (CHUNK + ChunkCache.ENTRY_OVERHEAD);
    assertThat(highest.get()).isPositive().isLessThanOrEqualTo(bound + inFlight);
    assertThat(c.l1SettledSize()).isLessThanOrEqualTo(bound);
    assertThat(meters.get("cadenza.cache.size").tag("tier", "l1").gauge().value())
        .isLessThanOrEqualTo(bound);
    assertThat(meters.counter("cadenza.cache.evictions", "tier", "l1").count()).isPositive();
  }

  @Test
  void aChunkOfAFileThatChangedSinceItsVersionWasTakenIsNeverMadeUp() throws Exception {
    ChunkCache c = cache(DataSize.ofMegabytes(16), 0);
    Track old = track("d.wav", 300_000, 4);
    byte[] first = c.get(old, 0).get();
    TestAudio.wav(old.file(), 300_000, 5);
    Files.setLastModifiedTime(old.file(), FileTime.fromMillis(System.currentTimeMillis() + 5000));

    // the old version's chunk in memory is still the old version's bytes...
    assertThat(c.get(old, 0).get()).isEqualTo(first);
    // ...one not in memory cannot be read for the old version any more
    assertThatThrownBy(() -> c.get(old, 1).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(FileChangedException.class);
    // the new version has its own chunks
    Track now =
        new Track(
            old.id(),
            old.path(),
            old.file(),
            old.format(),
            FileVersion.of(old.file()),
            old.fileTags());
    assertThat(c.get(now, 0).get()).isEqualTo(chunk(now, 0)).isNotEqualTo(first);
  }
}
