package dev.cadenza.client;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.TimeExchange;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import tools.jackson.core.JacksonException;

/**
 * Measures the offset of the service's media clock from a player's {@link LocalClock} with HTTP
 * time exchanges ({@code GET /api/v1/time?t1=<local µs>}), NTP style: each exchange gives the
 * offset within ± half its round trip, and of a round of exchanges the one with the lowest round
 * trip is kept ({@link ClockEstimate}).
 *
 * <p>The exchanges run on a client of their own, over one HTTP/1.1 keep-alive connection: the first
 * exchange of a round opens or wakes that connection (TCP handshake, class loading, JIT) and is
 * discarded. On loopback the estimate is good to a few hundred microseconds; across a cluster
 * network to about half the quickest round trip.
 *
 * <pre>{@code
 * ClockSync sync = ClockSync.builder(URI.create("http://cadenza:8080")).build();
 * ClockEstimate estimate = sync.sync();
 * long startLocal = estimate.toLocalMicros(playback.atMicros());
 * }</pre>
 */
public final class ClockSync implements AutoCloseable {

  /** Exchanges per round, by default (after the warm-up exchange). */
  public static final int DEFAULT_EXCHANGES = 8;

  private final URI timeUri;
  private final LocalClock clock;
  private final int exchanges;
  private final Duration timeout;
  private final boolean keepBetter;
  private final HttpClient http;
  private final Object rounds = new Object();
  private volatile ClockEstimate estimate;
  private ScheduledExecutorService resync;

  private ClockSync(Builder builder) {
    String base = builder.baseUri.toString().replaceAll("/+$", "");
    this.timeUri = URI.create(base + Api.TIME);
    this.clock = builder.clock;
    this.exchanges = builder.exchanges;
    this.timeout = builder.timeout;
    this.keepBetter = builder.keepBetter;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(builder.timeout)
            .build();
  }

  public static Builder builder(URI baseUri) {
    return new Builder(baseUri);
  }

  /** The clock this synchroniser measures against. */
  public LocalClock clock() {
    return clock;
  }

  /**
   * Runs one round of exchanges and answers the estimate to use from now on: the round's best
   * sample, unless the previous estimate, its error bound grown by {@link
   * ClockEstimate#MAX_DRIFT_PPM} since it was measured, is still better and agrees with it (see
   * {@link Builder#keepBetterEstimates}).
   *
   * @throws CadenzaException if the service refused an exchange or none could be made
   */
  public ClockEstimate sync() {
    // one round at a time: rounds of the re-sync thread and of a caller would share the connection
    synchronized (rounds) {
      return syncRound();
    }
  }

  private ClockEstimate syncRound() {
    List<ClockFilter.Exchange> round = new ArrayList<>(exchanges);
    exchange(); // warm-up: connection set-up and first-call costs would skew it
    for (int i = 0; i < exchanges; i++) {
      exchange().ifPresent(round::add);
    }
    ClockEstimate best =
        ClockFilter.best(round)
            .orElseThrow(
                () ->
                    new CadenzaException(
                        "no usable time exchange",
                        exchanges + " exchanges with " + timeUri + " gave no usable sample",
                        null));
    ClockEstimate use =
        keepBetter ? ClockFilter.preferred(estimate, best, clock.nowMicros()) : best;
    estimate = use;
    return use;
  }

  /** The estimate of the last round, if any has completed. */
  public Optional<ClockEstimate> estimate() {
    return Optional.ofNullable(estimate);
  }

  /**
   * The last round's estimate; throws {@link IllegalStateException} before the first {@link
   * #sync()}.
   */
  public ClockEstimate requireEstimate() {
    ClockEstimate current = estimate;
    if (current == null) {
      throw new IllegalStateException("not synchronised yet: call sync() first");
    }
    return current;
  }

  /** The media clock's time now, by the local clock and the current estimate. */
  public long mediaNowMicros() {
    return requireEstimate().toMediaMicros(clock.nowMicros());
  }

  public long toLocalMicros(long mediaMicros) {
    return requireEstimate().toLocalMicros(mediaMicros);
  }

  public long toMediaMicros(long localMicros) {
    return requireEstimate().toMediaMicros(localMicros);
  }

  /**
   * Re-syncs every {@code period} on a daemon thread, as {@link #sync()} does (clocks drift, tens
   * of ppm for a quartz oscillator: 1 ms in under a minute at worst). A failed round keeps the
   * previous estimate and goes to {@code onFailure}.
   */
  public synchronized void syncEvery(Duration period, Consumer<CadenzaException> onFailure) {
    if (resync != null) {
      throw new IllegalStateException("already re-syncing");
    }
    resync =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cadenza-clock-sync");
              t.setDaemon(true);
              return t;
            });
    resync.scheduleWithFixedDelay(
        () -> {
          try {
            sync();
          } catch (CadenzaException e) {
            onFailure.accept(e);
          }
        },
        period.toMillis(),
        period.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  /** Stops re-syncing. */
  @Override
  public synchronized void close() {
    if (resync != null) {
      resync.shutdownNow();
      resync = null;
    }
  }

  /** One exchange; empty when its answer does not echo its own {@code t1}. */
  private Optional<ClockFilter.Exchange> exchange() {
    long t1 = clock.nowMicros();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(timeUri + "?" + Api.ORIGINATE_PARAM + "=" + t1))
            .timeout(timeout)
            .header("Accept", "application/json")
            .GET()
            .build();
    // t4 when the answer's head is in (its few body bytes come in the same packet), on the
    // client's own thread: the hand-over to this thread would only add to the way back
    AtomicLong arrived = new AtomicLong();
    HttpResponse<byte[]> response;
    try {
      response =
          http.send(
              request,
              info -> {
                arrived.set(clock.nowMicros());
                return HttpResponse.BodySubscribers.ofByteArray();
              });
    } catch (IOException e) {
      throw new CadenzaException("time exchange failed", timeUri + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CadenzaException("interrupted", "time exchange with " + timeUri, e);
    }
    long t4 = arrived.get();
    if (response.statusCode() != 200) {
      throw CadenzaException.ofResponse(response, response.body());
    }
    TimeExchange answer;
    try {
      answer = Json.MAPPER.readValue(response.body(), TimeExchange.class);
    } catch (JacksonException e) {
      throw new CadenzaException(
          200, null, "unreadable time exchange", timeUri + ": " + e.getOriginalMessage(), e);
    }
    if (answer.originateMicros() != null && answer.originateMicros() != t1) {
      return Optional.empty(); // an answer to some other request
    }
    return Optional.of(ClockFilter.Exchange.of(t1, answer, t4));
  }

  /** Settings of a {@link ClockSync}. */
  public static final class Builder {
    private final URI baseUri;
    private LocalClock clock = LocalClock.system();
    private int exchanges = DEFAULT_EXCHANGES;
    private Duration timeout = CadenzaClient.DEFAULT_CONNECT_TIMEOUT;
    private boolean keepBetter = true;

    private Builder(URI baseUri) {
      this.baseUri = Objects.requireNonNull(baseUri);
    }

    /** The player's clock; {@link LocalClock#system()} by default. */
    public Builder clock(LocalClock clock) {
      this.clock = Objects.requireNonNull(clock);
      return this;
    }

    /** Exchanges per round (at least 1); {@link ClockSync#DEFAULT_EXCHANGES} by default. */
    public Builder exchanges(int exchanges) {
      if (exchanges < 1) {
        throw new IllegalArgumentException("need at least one exchange, got " + exchanges);
      }
      this.exchanges = exchanges;
      return this;
    }

    /** Connect and answer timeout of one exchange. */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout);
      return this;
    }

    /**
     * Whether a round may keep the previous estimate when that one, aged, is still more precise
     * (true by default); false: every round replaces the estimate.
     */
    public Builder keepBetterEstimates(boolean keep) {
      this.keepBetter = keep;
      return this;
    }

    public ClockSync build() {
      return new ClockSync(this);
    }
  }
}
