package dev.cadenza.client;

import dev.cadenza.protocol.Playback;
import dev.cadenza.protocol.PlaybackState;

/**
 * What one player does about a session's {@link Playback}, in its own clock: at local instant
 * {@link #localMicros} it is at {@link #positionMicros} of {@link #trackId}, and from then on
 * playing or holding still according to {@link #state}.
 *
 * <p>The playback's anchor is a media-clock instant; the player's local instant for it is {@code
 * atMicros - offset} ({@link ClockEstimate#toLocalMicros}). A player that learns of the playback
 * after its anchor (a late joiner, or a slow event) does not start at the anchor's position but
 * where the others are by now: it starts at its local {@code now} at {@link
 * Playback#positionAt(long)} of the media instant of now.
 *
 * @param state what the player does from {@link #localMicros} on
 * @param trackId the track; null while stopped
 * @param localMicros local-clock instant the plan takes effect (start, jump or pause)
 * @param mediaMicros the same instant on the media clock
 * @param positionMicros the track position at that instant
 * @param late whether the anchor had already passed, so the plan starts at {@code now} instead
 * @param finished whether a late player would start at or past the end of the track
 */
public record PlaybackPlan(
    PlaybackState state,
    String trackId,
    long localMicros,
    long mediaMicros,
    long positionMicros,
    boolean late,
    boolean finished) {

  /**
   * The plan for {@code playback} as of local instant {@code localNowMicros}, with the clock
   * estimate of this player.
   */
  public static PlaybackPlan of(Playback playback, ClockEstimate clock, long localNowMicros) {
    long mediaNow = clock.toMediaMicros(localNowMicros);
    if (playback.state() != PlaybackState.PLAYING || playback.atMicros() >= mediaNow) {
      return new PlaybackPlan(
          playback.state(),
          playback.trackId(),
          clock.toLocalMicros(playback.atMicros()),
          playback.atMicros(),
          playback.positionMicros(),
          false,
          playback.durationMicros() > 0 && playback.positionMicros() >= playback.durationMicros());
    }
    long position = playback.positionAt(mediaNow);
    return new PlaybackPlan(
        playback.state(),
        playback.trackId(),
        localNowMicros,
        mediaNow,
        position,
        true,
        playback.durationMicros() > 0 && position >= playback.durationMicros());
  }

  /** Whether the player is playing from {@link #localMicros} on. */
  public boolean playing() {
    return state == PlaybackState.PLAYING && !finished;
  }

  /** How long until the plan takes effect, from local instant {@code localNowMicros}; 0 if due. */
  public long waitMicros(long localNowMicros) {
    return Math.max(0, localMicros - localNowMicros);
  }

  /** Where in the track this player should be at local instant {@code localMicros}. */
  public long positionAtLocal(long localMicros) {
    if (state != PlaybackState.PLAYING || localMicros <= this.localMicros) {
      return positionMicros;
    }
    return positionMicros + (localMicros - this.localMicros);
  }
}
