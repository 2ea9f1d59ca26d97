package dev.cadenza.protocol;

/**
 * A session's playback, as one anchor: at media-clock instant {@code atMicros} the position is
 * {@code positionMicros}; while {@link PlaybackState#PLAYING} it advances one microsecond per
 * microsecond from there. A player that learns of it late still starts in step, at {@link
 * #positionAt}.
 *
 * @param trackId null while {@link PlaybackState#STOPPED}
 * @param durationMicros the track's duration; 0 while stopped
 */
public record Playback(
    PlaybackState state, String trackId, long positionMicros, long atMicros, long durationMicros) {

  public static Playback stopped(long atMicros) {
    return new Playback(PlaybackState.STOPPED, null, 0, atMicros, 0);
  }

  /** The position at a media-clock instant (clamped to the track). */
  public long positionAt(long instantMicros) {
    if (state != PlaybackState.PLAYING || instantMicros <= atMicros) {
      return positionMicros;
    }
    long position = positionMicros + (instantMicros - atMicros);
    return durationMicros > 0 ? Math.min(position, durationMicros) : position;
  }
}
