package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.config.CadenzaProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** Unread prefetched chunks on their own: the bound, oldest-first displacement, reads, failures. */
class UnreadPrefetchesTest {

  static final int WEIGHT = 1000;

  /** Every total the buffer reported, in order: what Caffeine's maximum would follow. */
  final List<Long> totals = new ArrayList<>();

  final AtomicInteger wasted = new AtomicInteger();

  UnreadPrefetches holding(int chunks) {
    return new UnreadPrefetches((long) chunks * WEIGHT, totals::add, wasted::incrementAndGet);
  }

  static ChunkKey key(int index) {
    return new ChunkKey("t", "v", ChunkKey.ORIGINAL, index);
  }

  static CompletableFuture<byte[]> loaded() {
    return CompletableFuture.completedFuture(new byte[WEIGHT - 160]);
  }

  @Test
  void aHeldChunkCountsItsWeightAndTheCacheHearsTheNewTotal() {
    UnreadPrefetches unread = holding(4);
    assertThat(unread.add(key(0), loaded(), WEIGHT)).isTrue();
    assertThat(unread.add(key(1), loaded(), 600)).isTrue();
    assertThat(unread.contains(key(0))).isTrue();
    assertThat(unread.contains(key(2))).isFalse();
    assertThat(unread.bytes()).isEqualTo(WEIGHT + 600);
    assertThat(totals).containsExactly((long) WEIGHT, WEIGHT + 600L);
  }

  @Test
  void newChunksDisplaceTheOldestUnreadOnesAndNeverTakeTheTotalOverTheBound() {
    UnreadPrefetches unread = holding(3);
    for (int i = 0; i < 10; i++) {
      unread.add(key(i), loaded(), WEIGHT);
      assertThat(unread.bytes()).isLessThanOrEqualTo(unread.bound());
    }
    assertThat(wasted).hasValue(7);
    assertThat(unread.peak()).isEqualTo(3L * WEIGHT);
    for (int i = 0; i < 7; i++) {
      assertThat(unread.contains(key(i))).as("chunk " + i).isFalse();
    }
    for (int i = 7; i < 10; i++) {
      assertThat(unread.contains(key(i))).as("chunk " + i).isTrue();
    }
  }

  @Test
  void aChunkHeldAlreadyIsNotAddedTwice() {
    UnreadPrefetches unread = holding(4);
    CompletableFuture<byte[]> first = loaded();
    unread.add(key(0), first, WEIGHT);
    assertThat(unread.add(key(0), loaded(), WEIGHT)).isFalse();
    assertThat(unread.bytes()).isEqualTo(WEIGHT);
    assertThat(unread.take(key(0), false)).isSameAs(first);
  }

  @Test
  void aReadTakesTheChunkOutOnceAndGivesItsWeightBack() {
    UnreadPrefetches unread = holding(4);
    CompletableFuture<byte[]> chunk = loaded();
    unread.add(key(0), chunk, WEIGHT);
    assertThat(unread.take(key(0), false)).isSameAs(chunk);
    assertThat(unread.take(key(0), false)).isNull();
    assertThat(unread.bytes()).isZero();
    assertThat(totals).containsExactly((long) WEIGHT, 0L);
    assertThat(wasted).hasValue(0);
  }

  @Test
  void aChunkStillLoadingStaysForAReaderThatWantsOnlyLoadedOnes() {
    UnreadPrefetches unread = holding(4);
    CompletableFuture<byte[]> loading = new CompletableFuture<>();
    unread.add(key(0), loading, WEIGHT);
    assertThat(unread.take(key(0), true)).isNull();
    assertThat(unread.contains(key(0))).isTrue();
    loading.complete(new byte[WEIGHT - 160]);
    assertThat(unread.take(key(0), true)).isSameAs(loading);
  }

  @Test
  void aFailedLoadTakesItsChunkOutWithoutCountingItWasted() {
    UnreadPrefetches unread = holding(4);
    CompletableFuture<byte[]> loading = new CompletableFuture<>();
    unread.add(key(0), loading, WEIGHT);
    loading.completeExceptionally(new IllegalStateException("file gone"));
    assertThat(unread.contains(key(0))).isFalse();
    assertThat(unread.bytes()).isZero();
    assertThat(totals).containsExactly((long) WEIGHT, 0L);
    assertThat(wasted).hasValue(0);
  }

  @Test
  void clearDropsEveryChunkWithoutCountingThemWasted() {
    UnreadPrefetches unread = holding(4);
    unread.add(key(0), loaded(), WEIGHT);
    unread.add(key(1), loaded(), WEIGHT);
    unread.clear();
    assertThat(unread.bytes()).isZero();
    assertThat(unread.contains(key(1))).isFalse();
    assertThat(totals).endsWith(0L);
    assertThat(wasted).hasValue(0);
  }

  static CadenzaProperties.Cache cache(boolean enabled, boolean prefetch, double maxShare) {
    return new CadenzaProperties.Cache(
        enabled,
        DataSize.ofMegabytes(1),
        DataSize.ofKilobytes(64),
        Duration.ofHours(1),
        4,
        16,
        2,
        new CadenzaProperties.Cache.Prefetch(prefetch, 2, 2, maxShare, 64),
        CadenzaProperties.Cache.Originals.L1);
  }

  @Test
  void theBoundIsMaxShareOfL1OrNothingWhenOffOrTooSmallForOneChunk() {
    assertThat(UnreadPrefetches.bound(cache(true, true, 0.1), 100_000, 10_000)).isEqualTo(10_000);
    assertThat(UnreadPrefetches.bound(cache(true, true, 0.1), 99_999, 10_000)).isZero();
    assertThat(UnreadPrefetches.bound(cache(true, false, 0.1), 100_000, 10_000)).isZero();
    assertThat(UnreadPrefetches.bound(cache(false, true, 0.1), 100_000, 10_000)).isZero();
  }
}
