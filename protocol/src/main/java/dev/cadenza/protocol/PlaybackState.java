package dev.cadenza.protocol;

/** What the members of a session are doing. */
public enum PlaybackState {
  /** nothing chosen yet */
  STOPPED,
  /** playing {@link Playback#trackId()}; the position advances with the media clock */
  PLAYING,
  /** holding {@link Playback#positionMicros()} */
  PAUSED
}
