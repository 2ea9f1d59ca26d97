package dev.cadenza.protocol;

/**
 * The answer to {@code GET /api/v1/time?t1=<client transmit micros>}: the four timestamps of an NTP
 * exchange, of which the client keeps the fourth (its own receive instant).
 *
 * @param originateMicros the client's {@code t1}, echoed; null when the request had none
 * @param receiveMicros media-clock instant the server received the request ({@code t2})
 * @param transmitMicros media-clock instant the server sent the answer ({@code t3})
 * @param synchronised whether the media clock follows at least one NTP server right now
 * @param stratum NTP stratum of the media clock (upstream stratum + 1; 16 when not synchronised to
 *     a configured server)
 * @param maxErrorMicros the server's bound on its media clock's error against its NTP sources (root
 *     distance); 0 when it follows the system clock alone
 */
public record TimeExchange(
    Long originateMicros,
    long receiveMicros,
    long transmitMicros,
    boolean synchronised,
    int stratum,
    long maxErrorMicros) {}
