package dev.cadenza.protocol;

/** A player in a session. */
public record Member(String id, String name, long joinedAtMicros) {}
