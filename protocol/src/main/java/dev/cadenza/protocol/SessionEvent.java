package dev.cadenza.protocol;

/**
 * One message of a session's event stream ({@code text/event-stream}): the SSE {@code event:} field
 * is {@link #type}, {@code id:} the session version, {@code data:} this record as JSON.
 *
 * @param type {@code snapshot} (first message on connect), {@code created}, {@code joined}, {@code
 *     left}, {@code play}, {@code pause}, {@code seek} or {@code ended}
 * @param session the whole session after the change
 */
public record SessionEvent(String type, SessionView session) {}
