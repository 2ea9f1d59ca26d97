package dev.cadenza.stream.listening;

import java.time.Instant;

/**
 * A player's report that a listener has started a track; everyone sees it until {@code expiresAt},
 * or until the same player reports the next one.
 */
public record NowPlaying(
    String userId,
    String username,
    String client,
    String trackId,
    Instant startedAt,
    Instant expiresAt) {}
