package dev.cadenza.stream.clock;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One server's part of a poll: the lowest-delay accepted sample (the clock filter: the shortest
 * round trip has the least room for asymmetry) and what the other exchanges came to.
 *
 * @param best the lowest-delay accepted sample; null when none was accepted
 * @param jitter the RMS difference of the other accepted samples' offsets from the best one's
 * @param outcomes exchanges by outcome
 */
public record ServerPoll(
    NtpServer server,
    InetAddress address,
    NtpSample best,
    long jitter,
    Map<SampleOutcome, Integer> outcomes) {

  /** Frequency tolerance of a clock that nobody disciplines (RFC 5905 PHI), per second. */
  static final double PHI = 15e-6;

  /** The least root distance a server gets (ntpd's MINDISP): loopback delays are too small. */
  static final long MIN_DISTANCE_NANOS = 1_000_000;

  static ServerPoll of(
      NtpServer server,
      InetAddress address,
      List<NtpSample> accepted,
      Map<SampleOutcome, Integer> outcomes) {
    NtpSample best = accepted.stream().min(Comparator.comparingLong(NtpSample::delay)).orElse(null);
    long jitter = 0;
    if (best != null && accepted.size() > 1) {
      double sum = 0;
      for (NtpSample s : accepted) {
        double d = s.offset() - best.offset();
        sum += d * d;
      }
      jitter = Math.round(Math.sqrt(sum / (accepted.size() - 1)));
    }
    return new ServerPoll(server, address, best, jitter, Map.copyOf(outcomes));
  }

  /** Whether the server answered with at least one usable sample. */
  public boolean usable() {
    return best != null;
  }

  /** Whether the server answered at all, usable or not. */
  public boolean answered() {
    return outcomes.keySet().stream().anyMatch(SampleOutcome::answered);
  }

  /** The sample's own error: read precision plus the frequency tolerance over the round trip. */
  public long dispersion() {
    return best.precision() + Math.round(PHI * best.delay());
  }

  /**
   * The bound on this server's offset error against the true time (RFC 5905 section 11.2.1, with
   * the jitter as ntpd adds it): half the round trip to the reference clock plus every dispersion.
   */
  public long rootDistance() {
    long d =
        best.delay() / 2 + dispersion() + jitter + best.rootDelay() / 2 + best.rootDispersion();
    return Math.max(MIN_DISTANCE_NANOS, d);
  }

  /**
   * The reference id a server following this one sends (RFC 5905 section 7.3): the IPv4 address, or
   * the first four bytes of the MD5 of an IPv6 address.
   */
  public int refId() {
    if (address == null) {
      return 0;
    }
    if (address instanceof Inet4Address) {
      return ByteBuffer.wrap(address.getAddress()).getInt();
    }
    try {
      byte[] md5 = MessageDigest.getInstance("MD5").digest(address.getAddress());
      return ByteBuffer.wrap(md5).getInt();
    } catch (NoSuchAlgorithmException e) {
      return 0;
    }
  }
}
