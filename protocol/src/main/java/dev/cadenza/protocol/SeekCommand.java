package dev.cadenza.protocol;

/**
 * Body of {@code POST /api/v1/sessions/{id}/seek}; playing stays playing, paused stays paused.
 *
 * @param positionMicros the new position; must lie within the track
 * @param atMicros media-clock instant the jump happens at; null: now plus the service's lead time
 */
public record SeekCommand(long positionMicros, Long atMicros) {}
