package dev.cadenza.protocol;

/** Body of {@code POST /api/v1/sessions/{id}/members}. @param name the player's label */
public record JoinSession(String name) {}
