package dev.cadenza.client;

import dev.cadenza.protocol.ClockSample;
import dev.cadenza.protocol.TimeExchange;
import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;

/**
 * Picks the exchange to trust out of a round: the one with the lowest delay. A request or answer
 * that waited in a queue (GC pause, scheduler, busy network) makes its exchange longer and its
 * offset wrong by up to half the wait; the quickest exchange waited least (RFC 5905 section 10).
 */
final class ClockFilter {

  /** One exchange: its four timestamps' sample, the server's answer, and when it completed. */
  record Exchange(ClockSample sample, TimeExchange answer, long receivedAtLocalMicros) {

    static Exchange of(long t1, TimeExchange answer, long t4) {
      return new Exchange(
          ClockSample.of(t1, answer.receiveMicros(), answer.transmitMicros(), t4), answer, t4);
    }
  }

  private ClockFilter() {}

  /**
   * Of the estimate in use and a new round's, the one to use now: the older one while its error
   * bound, grown with its age, is still smaller and the two agree within their bounds. One round in
   * which every exchange was slow (a GC pause, a busy node) then does not replace a good
   * measurement, as NTP's clock filter keeps its best sample over several polls.
   */
  static ClockEstimate preferred(ClockEstimate previous, ClockEstimate fresh, long localNow) {
    if (previous == null) {
      return fresh;
    }
    long aged = previous.errorBoundAt(localNow);
    boolean agree =
        Math.abs(fresh.offsetMicros() - previous.offsetMicros()) <= fresh.errorBoundMicros() + aged;
    return agree && aged < fresh.errorBoundMicros() ? previous : fresh;
  }

  /** The estimate from the lowest-delay exchange; empty for no exchanges. */
  static Optional<ClockEstimate> best(Collection<Exchange> exchanges) {
    return exchanges.stream()
        .filter(e -> e.sample().delay() >= 0) // a negative round trip is a broken clock, not luck
        .min(Comparator.comparingLong(e -> e.sample().delay()))
        .map(
            e ->
                new ClockEstimate(
                    e.sample().offset(),
                    e.sample().delay(),
                    e.sample().errorBound() + Math.max(0, e.answer().maxErrorMicros()),
                    e.answer().synchronised(),
                    e.answer().stratum(),
                    e.receivedAtLocalMicros(),
                    exchanges.size()));
  }
}
