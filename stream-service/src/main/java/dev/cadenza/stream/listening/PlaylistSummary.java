package dev.cadenza.stream.listening;

import java.time.Instant;

/**
 * A playlist without its entries, as listings show it.
 *
 * @param ownerName the owner's username when the playlist was created
 * @param isPublic whether every listener may read it (only the owner changes it either way)
 * @param version incremented by every change: the playlist's ETag, and what {@code If-Match} names
 * @param entryCount entries, those whose tracks left the library included
 * @param durationMs the entries' total duration when last changed, as far as the files say
 */
public record PlaylistSummary(
    String id,
    String ownerId,
    String ownerName,
    String name,
    String comment,
    boolean isPublic,
    Instant createdAt,
    Instant changedAt,
    long version,
    int entryCount,
    long durationMs) {}
