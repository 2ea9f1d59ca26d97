package dev.cadenza.protocol;

/** Body of {@code POST /api/v1/sessions}. @param name optional label shown to players */
public record CreateSession(String name) {}
