package dev.cadenza.protocol;

/**
 * Body of {@code POST /api/v1/sessions/{id}/pause} (may be empty).
 *
 * @param atMicros media-clock instant to pause at; null: now plus the service's lead time
 */
public record PauseCommand(Long atMicros) {}
