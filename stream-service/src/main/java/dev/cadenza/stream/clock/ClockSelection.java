package dev.cadenza.stream.clock;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Picks the servers that agree (RFC 5905 section 11.2.1, Marzullo's intersection) and combines
 * them. Each server says the true time lies in {@code offset ± rootDistance}; the largest majority
 * of intervals with a common intersection are the truechimers, the rest are falsetickers. The
 * truechimers' offsets are averaged weighted by 1/rootDistance.
 */
public final class ClockSelection {

  /** A server's estimate is too vague to use past this root distance (RFC 5905 MAXDIST). */
  static final long MAX_DISTANCE_NANOS = 1_500_000_000L;

  /**
   * The outcome.
   *
   * @param survivors the truechimers; empty when no majority agrees
   * @param offset the combined offset of the true time over the raw clock, in nanoseconds
   * @param rootDistance the smallest survivor's root distance: the bound on the combined error
   * @param jitter the survivors' weighted RMS spread around the combined offset
   * @param systemPeer the survivor with the smallest root distance (its stratum and refid are ours)
   */
  public record Result(
      List<ServerPoll> survivors,
      long offset,
      long rootDistance,
      long jitter,
      ServerPoll systemPeer) {

    public boolean synchronised() {
      return !survivors.isEmpty();
    }
  }

  private static final Result NONE = new Result(List.of(), 0, 0, 0, null);

  private ClockSelection() {}

  public static Result select(List<ServerPoll> polls) {
    List<ServerPoll> candidates =
        polls.stream()
            .filter(ServerPoll::usable)
            .filter(p -> p.rootDistance() <= MAX_DISTANCE_NANOS)
            .toList();
    int n = candidates.size();
    if (n == 0) {
      return NONE;
    }
    record Edge(long at, int type) {} // -1 lower end, 0 midpoint, +1 upper end
    List<Edge> edges = new ArrayList<>();
    for (ServerPoll p : candidates) {
      long o = p.best().offset();
      long d = p.rootDistance();
      edges.add(new Edge(o - d, -1));
      edges.add(new Edge(o, 0));
      edges.add(new Edge(o + d, 1));
    }
    edges.sort(Comparator.comparingLong(Edge::at).thenComparingInt(Edge::type));
    // allow f falsetickers, f < n/2: the truechimers must be a majority
    for (int f = 0; 2 * f < n; f++) {
      int found = 0;
      int chime = 0;
      long low = Long.MAX_VALUE;
      for (Edge e : edges) {
        chime -= e.type();
        if (chime >= n - f) {
          low = e.at();
          break;
        }
        if (e.type() == 0) {
          found++;
        }
      }
      chime = 0;
      long high = Long.MIN_VALUE;
      for (int i = edges.size() - 1; i >= 0; i--) {
        Edge e = edges.get(i);
        chime += e.type();
        if (chime >= n - f) {
          high = e.at();
          break;
        }
        if (e.type() == 0) {
          found++;
        }
      }
      if (found <= f && low <= high) {
        long lo = low;
        long hi = high;
        // a truechimer's interval overlaps the intersection
        List<ServerPoll> survivors =
            candidates.stream()
                .filter(p -> p.best().offset() - p.rootDistance() <= hi)
                .filter(p -> p.best().offset() + p.rootDistance() >= lo)
                .toList();
        return combine(survivors);
      }
    }
    return NONE;
  }

  private static Result combine(List<ServerPoll> survivors) {
    double weights = 0;
    double sum = 0;
    for (ServerPoll p : survivors) {
      double w = 1.0 / p.rootDistance();
      weights += w;
      sum += w * p.best().offset();
    }
    double offset = sum / weights;
    double spread = 0;
    for (ServerPoll p : survivors) {
      double d = p.best().offset() - offset;
      spread += d * d / p.rootDistance();
    }
    ServerPoll peer =
        survivors.stream().min(Comparator.comparingLong(ServerPoll::rootDistance)).orElseThrow();
    return new Result(
        survivors,
        Math.round(offset),
        peer.rootDistance(),
        Math.round(Math.sqrt(spread / weights)),
        peer);
  }
}
