package dev.cadenza.stream.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;

/**
 * The cap on event streams ({@code text/event-stream}) one client holds open at once ({@code
 * cadenza.server.max-event-streams-per-client}, the client as {@link ClientAddress} tells it). An
 * event stream holds a connection and a subscriber for as long as the client likes; past the cap
 * the client gets 429 with {@code Retry-After} instead of one more.
 *
 * <p>Meters: {@code cadenza.event.streams.open} (this pod's, all clients) and {@code
 * cadenza.event.streams.refused}.
 */
@Component
public class EventStreamLimit {

  private static final Logger log = LoggerFactory.getLogger(EventStreamLimit.class);

  /** A client that hit the cap may try again after this, in seconds. */
  static final long RETRY_AFTER_SECONDS = 10;

  private final int max;
  private final ClientAddress clients;
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final Counter refused;
  private final RefusalLog refusals = new RefusalLog();

  public EventStreamLimit(ServerSettings settings, ClientAddress clients, MeterRegistry meters) {
    this.max = settings.maxEventStreamsPerClient();
    this.clients = clients;
    Gauge.builder("cadenza.event.streams.open", total, AtomicInteger::get)
        .description("Event streams (text/event-stream) open on this pod")
        .register(meters);
    this.refused =
        Counter.builder("cadenza.event.streams.refused")
            .description(
                "Event streams refused with 429: the client had"
                    + " cadenza.server.max-event-streams-per-client open")
            .register(meters);
  }

  /**
   * A place for one more event stream of the request's client, to be closed when the stream ends.
   *
   * @throws org.springframework.web.ErrorResponseException 429 when the client holds its maximum
   */
  public Slot open(ServerHttpRequest request) {
    String client = clients.of(request);
    boolean[] taken = new boolean[1];
    open.compute(
        client,
        (k, n) -> {
          int count = n == null ? 0 : n;
          if (max > 0 && count >= max) {
            return n;
          }
          taken[0] = true;
          return count + 1;
        });
    if (!taken[0]) {
      refused.increment();
      if (refusals.first(client)) {
        log.warn(
            "Refused an event stream to {}: it has {} open"
                + " (cadenza.server.max-event-streams-per-client); further refusals of it within"
                + " a minute are only counted (cadenza.event.streams.refused)",
            client,
            max);
      }
      throw Problems.tooManyEventStreams(max, RETRY_AFTER_SECONDS);
    }
    total.incrementAndGet();
    return new Slot(client);
  }

  /** One open event stream; closing it again does nothing. */
  public final class Slot implements AutoCloseable {

    private final String client;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Slot(String client) {
      this.client = client;
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        total.decrementAndGet();
        open.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
      }
    }
  }
}
