package dev.cadenza.stream.listening;

import java.time.Instant;
import java.util.List;

/**
 * A listener's play queue as a player saved it, to resume on another device.
 *
 * @param trackIds the queue in order; ids of tracks that left the library stay (the views mark
 *     them)
 * @param current the track playing, one of {@code trackIds}; null when none
 * @param positionMs where in {@code current} playback is
 * @param changedBy the player that saved it
 * @param changedAt when; null for the empty queue of a listener who never saved one
 */
public record PlayQueue(
    List<String> trackIds, String current, long positionMs, String changedBy, Instant changedAt) {

  public static final PlayQueue EMPTY = new PlayQueue(List.of(), null, 0, null, null);

  public PlayQueue {
    trackIds = List.copyOf(trackIds);
  }
}
