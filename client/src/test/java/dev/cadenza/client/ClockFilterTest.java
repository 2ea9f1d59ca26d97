package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.client.ClockFilter.Exchange;
import dev.cadenza.protocol.TimeExchange;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClockFilterTest {

  /**
   * An exchange with a server whose clock is {@code offset} ahead, taking {@code out} to reach it,
   * {@code serverTime} in it, and {@code back} to return.
   */
  static Exchange exchange(long t1, long offset, long out, long serverTime, long back) {
    long t2 = t1 + out + offset;
    long t3 = t2 + serverTime;
    long t4 = t3 - offset + back;
    return Exchange.of(t1, new TimeExchange(t1, t2, t3, true, 2, 50), t4);
  }

  @Test
  void theLowestDelayExchangeWinsEvenIfItIsNotTheMostCommonOffset() {
    List<Exchange> round =
        List.of(
            exchange(1_000, 5_000, 900, 30, 100), // queued on the way out: offset off by 400
            exchange(3_000, 5_000, 120, 30, 100), // quickest
            exchange(5_000, 5_000, 100, 30, 2_100), // queued on the way back
            exchange(9_000, 5_000, 600, 30, 600)); // slow but symmetric
    ClockEstimate best = ClockFilter.best(round).orElseThrow();
    assertThat(best.delayMicros()).isEqualTo(220);
    assertThat(best.offsetMicros()).isEqualTo(5_010);
    assertThat(best.measuredAtLocalMicros()).isEqualTo(3_000 + 120 + 30 + 100);
    assertThat(best.samples()).isEqualTo(4);
  }

  @Test
  void theErrorBoundIsHalfTheDelayPlusTheServersOwnError() {
    ClockEstimate best =
        ClockFilter.best(List.of(exchange(0, -300_000, 150, 10, 150))).orElseThrow();
    assertThat(best.offsetMicros()).isEqualTo(-300_000);
    assertThat(best.errorBoundMicros()).isEqualTo(150 + 50);
    assertThat(best.synchronised()).isTrue();
    assertThat(best.stratum()).isEqualTo(2);
  }

  @Test
  void negativeDelaysAreDiscardedAndNoSampleGivesNothing() {
    Exchange broken = Exchange.of(1_000, new TimeExchange(1_000L, 2_000, 2_000, false, 16, 0), 900);
    assertThat(ClockFilter.best(List.of(broken))).isEmpty();
    assertThat(ClockFilter.best(List.of())).isEmpty();
  }

  static ClockEstimate estimate(long offset, long errorBound, long measuredAt) {
    return new ClockEstimate(offset, errorBound * 2, errorBound, true, 2, measuredAt, 8);
  }

  @Test
  void aSlowRoundDoesNotReplaceAMorePreciseRecentEstimate() {
    ClockEstimate previous = estimate(5_000, 100, 0);
    ClockEstimate slow = estimate(5_900, 1_500, 1_000_000);
    assertThat(ClockFilter.preferred(previous, slow, 1_000_000)).isSameAs(previous);
  }

  @Test
  void anEstimateAgesOut() {
    ClockEstimate previous = estimate(5_000, 100, 0);
    assertThat(previous.errorBoundAt(100_000_000)).isEqualTo(100 + 1_500); // 100 s at 15 ppm
    ClockEstimate fresh = estimate(5_300, 1_000, 100_000_000);
    assertThat(ClockFilter.preferred(previous, fresh, 100_000_000)).isSameAs(fresh);
  }

  @Test
  void aNewRoundThatDisagreesWinsEvenIfLessPrecise() {
    // the media clock stepped: the old estimate, however precise, is wrong now
    ClockEstimate previous = estimate(5_000, 100, 0);
    ClockEstimate stepped = estimate(50_000, 1_000, 1_000_000);
    assertThat(ClockFilter.preferred(previous, stepped, 1_000_000)).isSameAs(stepped);
  }

  @Test
  void aMorePreciseRoundAlwaysWins() {
    ClockEstimate previous = estimate(5_000, 300, 0);
    ClockEstimate better = estimate(5_100, 200, 1_000_000);
    assertThat(ClockFilter.preferred(previous, better, 1_000_000)).isSameAs(better);
    assertThat(ClockFilter.preferred(null, better, 1_000_000)).isSameAs(better);
  }
}
