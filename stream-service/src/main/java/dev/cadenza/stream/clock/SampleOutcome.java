package dev.cadenza.stream.clock;

import java.util.Locale;

/** What became of one NTP exchange: accepted, or why not (counted by the samples meter). */
public enum SampleOutcome {
  ACCEPTED,
  /** No reply within the timeout. */
  TIMEOUT,
  /** The host did not resolve, or the port is closed (ICMP port unreachable). */
  UNREACHABLE,
  /** Shorter than an NTP header. */
  MALFORMED,
  /** Not a server (mode 4) reply. */
  BAD_MODE,
  /** Not NTP version 3 or 4. */
  BAD_VERSION,
  /** Its originate timestamp is not our transmit timestamp: stale, duplicated or spoofed. */
  BAD_ORIGINATE,
  /** Stratum 0: the server asks us to go away or slow down. */
  KISS_OF_DEATH,
  /** Stratum 16 or more: the server is not synchronised itself. */
  BAD_STRATUM,
  /** Leap indicator 3: the server's clock is not synchronised. */
  LEAP_ALARM,
  /** A zero receive or transmit timestamp. */
  ZERO_TIMESTAMP,
  /** Root delay or dispersion beyond what a usable server reports. */
  BAD_ROOT;

  /** The meter tag value. */
  public String tag() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the server answered at all (anything but a timeout or an unreachable port). */
  public boolean answered() {
    return this != TIMEOUT && this != UNREACHABLE;
  }
}
