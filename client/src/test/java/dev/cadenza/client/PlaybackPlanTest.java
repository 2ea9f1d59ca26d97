package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.PlaybackState;
import org.junit.jupiter.api.Test;

class PlaybackPlanTest {

  static final long MEDIA_NOW = 1_700_000_000_000_000L;
  static final long SECOND = 1_000_000;

  /** A player whose clock is 300 ms ahead of the media clock: media = local - 300 ms. */
  static final ClockEstimate AHEAD = estimate(-300_000);

  static ClockEstimate estimate(long offset) {
    return new ClockEstimate(offset, 200, 100, true, 2, MEDIA_NOW - offset, 8);
  }

  static long localNow(ClockEstimate clock) {
    return clock.toLocalMicros(MEDIA_NOW);
  }

  @Test
  void aFutureStartIsTheAnchorInTheLocalClock() {
    Playback play =
        new Playback(PlaybackState.PLAYING, "t1", 5 * SECOND, MEDIA_NOW + SECOND, 60 * SECOND);
    PlaybackPlan plan = PlaybackPlan.of(play, AHEAD, localNow(AHEAD));
    assertThat(plan.localMicros()).isEqualTo(MEDIA_NOW + SECOND + 300_000);
    assertThat(plan.mediaMicros()).isEqualTo(MEDIA_NOW + SECOND);
    assertThat(plan.positionMicros()).isEqualTo(5 * SECOND);
    assertThat(plan.late()).isFalse();
    assertThat(plan.playing()).isTrue();
    assertThat(plan.waitMicros(localNow(AHEAD))).isEqualTo(SECOND);
  }

  @Test
  void playersWithDifferentClocksStartAtTheSameTrueInstant() {
    Playback play =
        new Playback(PlaybackState.PLAYING, "t1", 0, MEDIA_NOW + 2 * SECOND, 60 * SECOND);
    long[] shifts = {-300_000, 0, 170_000};
    for (long shift : shifts) {
      // a clock running `shift` ahead measures the media clock `shift` behind it
      ClockEstimate clock = estimate(-shift);
      PlaybackPlan plan = PlaybackPlan.of(play, clock, localNow(clock));
      assertThat(plan.localMicros() - shift).isEqualTo(MEDIA_NOW + 2 * SECOND);
    }
  }

  @Test
  void aLateJoinerStartsNowWhereTheOthersAre() {
    Playback play =
        new Playback(PlaybackState.PLAYING, "t1", 10 * SECOND, MEDIA_NOW - 3 * SECOND, 60 * SECOND);
    long now = localNow(AHEAD);
    PlaybackPlan plan = PlaybackPlan.of(play, AHEAD, now);
    assertThat(plan.late()).isTrue();
    assertThat(plan.localMicros()).isEqualTo(now);
    assertThat(plan.mediaMicros()).isEqualTo(MEDIA_NOW);
    assertThat(plan.positionMicros()).isEqualTo(13 * SECOND);
    assertThat(plan.positionAtLocal(now + SECOND)).isEqualTo(14 * SECOND);
  }

  @Test
  void aLateJoinerAfterTheEndOfTheTrackHasNothingToPlay() {
    Playback play =
        new Playback(PlaybackState.PLAYING, "t1", 0, MEDIA_NOW - 90 * SECOND, 60 * SECOND);
    PlaybackPlan plan = PlaybackPlan.of(play, AHEAD, localNow(AHEAD));
    assertThat(plan.finished()).isTrue();
    assertThat(plan.playing()).isFalse();
    assertThat(plan.positionMicros()).isEqualTo(60 * SECOND);
  }

  @Test
  void aPauseHoldsItsPositionFromItsLocalInstant() {
    Playback pause =
        new Playback(PlaybackState.PAUSED, "t1", 42 * SECOND, MEDIA_NOW + 500_000, 60 * SECOND);
    PlaybackPlan plan = PlaybackPlan.of(pause, AHEAD, localNow(AHEAD));
    assertThat(plan.playing()).isFalse();
    assertThat(plan.localMicros()).isEqualTo(MEDIA_NOW + 800_000);
    assertThat(plan.positionMicros()).isEqualTo(42 * SECOND);
    assertThat(plan.positionAtLocal(plan.localMicros() + SECOND)).isEqualTo(42 * SECOND);
  }

  @Test
  void aPauseLongAgoIsNotLate() {
    Playback pause =
        new Playback(PlaybackState.PAUSED, "t1", 42 * SECOND, MEDIA_NOW - 60 * SECOND, 60 * SECOND);
    PlaybackPlan plan = PlaybackPlan.of(pause, AHEAD, localNow(AHEAD));
    assertThat(plan.late()).isFalse();
    assertThat(plan.positionMicros()).isEqualTo(42 * SECOND);
    assertThat(plan.waitMicros(localNow(AHEAD))).isZero();
  }

  @Test
  void stoppedHasNoTrack() {
    PlaybackPlan plan =
        PlaybackPlan.of(Playback.stopped(MEDIA_NOW - SECOND), AHEAD, localNow(AHEAD));
    assertThat(plan.trackId()).isNull();
    assertThat(plan.playing()).isFalse();
  }

  @Test
  void estimateConvertsBothWays() {
    ClockEstimate clock = estimate(250);
    assertThat(clock.toMediaMicros(clock.toLocalMicros(MEDIA_NOW))).isEqualTo(MEDIA_NOW);
    assertThat(clock.toMediaMicros(1_000)).isEqualTo(1_250);
  }
}
