package dev.cadenza.protocol;

/**
 * Body of {@code POST /api/v1/sessions/{id}/play}.
 *
 * @param trackId the track to play; null resumes the paused track
 * @param positionMicros where to start; null: 0 for a new track, the paused position on resume
 * @param atMicros media-clock instant to start at; null: now plus the service's lead time. Must not
 *     be in the past
 */
public record PlayCommand(String trackId, Long positionMicros, Long atMicros) {}
