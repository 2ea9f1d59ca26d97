package dev.cadenza.stream.listening;

import java.time.Instant;

/**
 * One submitted play of a track: the listener's play history (docs/listening.md#scrobbles).
 *
 * @param time when the listener played it, as the client says
 * @param client the player that submitted it
 * @param counted false for a repeat of a submission already kept (same track and time): players
 *     retry, and a repeat counts no second play
 */
public record Scrobble(String trackId, Instant time, String client, boolean counted) {}
