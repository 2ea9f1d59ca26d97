package dev.cadenza.stream.clock;

/**
 * One accepted exchange with a server, in nanoseconds.
 *
 * @param offset how far the server's clock is ahead of our raw clock
 * @param delay the round trip, minus the server's processing
 * @param stratum the server's stratum
 * @param rootDelay the server's round trip to its reference clock
 * @param rootDispersion the server's error bound against its reference clock
 * @param precision the read error of the server's and our clock together
 * @param refId the server's reference id (its source's IPv4 address, or an ASCII code)
 */
record NtpSample(
    long offset,
    long delay,
    int stratum,
    long rootDelay,
    long rootDispersion,
    long precision,
    int refId) {}
