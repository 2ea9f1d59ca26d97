package dev.cadenza.stream.clock;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Where the media clock stands, for health, metrics, {@code GET /api/v1/time} and the SNTP
 * responder. Times in nanoseconds.
 *
 * @param configured whether NTP servers are configured (otherwise the media clock is the system
 *     clock)
 * @param synchronised whether the last sync is recent (within {@link ClockSync#HOLDOVER_POLLS} poll
 *     intervals)
 * @param measuredOffset the NTP time minus the raw clock, combined over the survivors of the last
 *     successful poll
 * @param offset the NTP time minus the media clock now: what is left for the slew to correct
 * @param rootDistance the error bound against the NTP sources: the system peer's root distance,
 *     grown by the frequency tolerance since the last sync
 * @param jitter the survivors' spread around the combined offset
 * @param stratum the system peer's stratum + 1; 16 when not synchronised
 * @param refId the system peer's IPv4 address (the NTP reference id of a stratum 2+ server)
 * @param lastSync when the clock last followed a combined offset; null before the first
 * @param servers the configured servers as the last poll found them
 */
public record ClockStatus(
    boolean configured,
    boolean synchronised,
    long measuredOffset,
    long offset,
    long rootDistance,
    long jitter,
    int stratum,
    int refId,
    Instant lastSync,
    List<ServerStatus> servers) {

  /** Stratum of a clock that follows no NTP server. */
  public static final int UNSYNCHRONISED = 16;

  /** How many configured servers answered at the last poll (usable or not). */
  public long reachable() {
    return servers.stream().filter(ServerStatus::reachable).count();
  }

  /** Time since the last sync; null before the first. */
  public Duration lastSyncAge(Instant now) {
    return lastSync == null ? null : Duration.between(lastSync, now);
  }

  /**
   * One configured server at the last poll.
   *
   * @param state {@code selected} (followed), {@code falseticker} (usable, but outvoted by the
   *     others), {@code rejected} (answered with nothing usable), {@code unreachable} (no answer),
   *     {@code pending} (not polled yet)
   * @param offset of the best sample (nanoseconds over the raw clock); 0 unless it answered usably
   * @param delay of the best sample
   * @param rootDistance of the best sample
   */
  public record ServerStatus(
      String server,
      String state,
      long offset,
      long delay,
      long jitter,
      long rootDistance,
      int stratum,
      Map<String, Integer> outcomes) {

    public boolean reachable() {
      return state.equals("selected") || state.equals("falseticker") || state.equals("rejected");
    }
  }
}
