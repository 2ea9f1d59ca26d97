package dev.cadenza.protocol;

import java.util.List;

/**
 * A group session as the API shows it.
 *
 * @param version increases by one with every change; the session's ETag is {@code "<version>"} and
 *     the SSE event id is the version
 * @param expiresAtMicros the session ends if nothing changes before then
 */
public record SessionView(
    String id,
    String name,
    long version,
    long createdAtMicros,
    long updatedAtMicros,
    long expiresAtMicros,
    List<Member> members,
    Playback playback) {}
