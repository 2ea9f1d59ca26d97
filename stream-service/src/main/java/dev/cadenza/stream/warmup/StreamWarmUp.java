package dev.cadenza.stream.warmup;

import dev.cadenza.stream.account.WarmUpKey;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.metadata.TrackEmbeddings;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.web.server.Ssl;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.stereotype.Component;

/**
 * Warms the stream path up before readiness (docs/startup.md#warm-up): once the library is served,
 * {@link #CONNECTIONS} loopback connections stream a few of its tracks ({@link WarmUpRequests}) for
 * {@code cadenza.warm-up.max-duration} (less once the JIT compiler has settled), credited by a
 * {@link WarmUpKey} that is revoked when they end. A fresh JVM serves its first requests in the
 * interpreter and C1 while C2 compiles the hot path for 20-30 s of load on two cores; these
 * requests pay that before the pod takes traffic. Its health ({@code warmUp}, in the readiness
 * group) is out of service until the warm-up has run; a warm-up that cannot run (TLS on the API
 * port, no loopback, nothing to stream) is skipped, never a reason to stay unready.
 */
@Component("warmUp")
public class StreamWarmUp
    implements HealthIndicator, ApplicationListener<ApplicationReadyEvent>, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(StreamWarmUp.class);

  /** Connections at once: enough to keep both event loops of two cores busy. */
  static final int CONNECTIONS = 8;

  /** Bounds a connect and each read; a warm-up request is a local one. */
  static final int TIMEOUT_MILLIS = 2_000;

  /** Failures in a row after which a connection gives up (the service is refusing them). */
  static final int FAILURES_IN_A_ROW = 3;

  /** How often the compiler's activity is looked at. */
  static final long LOOK_MILLIS = 1_000;

  /**
   * How long the warm-up leaves the cores to the first embedding pass once the library is served. A
   * restart's saved vectors go into service within a second or two of the catalogue (at 100,000
   * tracks; docs/startup.md), and the warm-up would slow that down; a pass that embeds a new
   * library with the model takes minutes, and the warm-up then runs alongside it.
   */
  static final long EMBEDDINGS_WAIT_MILLIS = 10_000;

  enum State {
    OFF,
    WAITING,
    WARMING,
    DONE,
    SKIPPED
  }

  private final WarmUpSettings settings;
  private final Library library;
  private final TrackEmbeddings embeddings;
  private final WarmUpKey key;
  private final ServerProperties server;
  private final Counter ok;
  private final Counter failed;

  private volatile State state;
  private volatile String reason;
  private volatile long tookNanos;
  private volatile boolean stopping;
  private volatile boolean finished;
  private volatile Thread runner;

  /**
   * As the service makes it; {@code server} is there when the service serves HTTP (an application
   * started without a web server, as some tests start it, has nothing to warm up).
   */
  @Autowired
  public StreamWarmUp(
      WarmUpSettings settings,
      Library library,
      TrackEmbeddings embeddings,
      WarmUpKey key,
      ObjectProvider<ServerProperties> server,
      MeterRegistry meters) {
    this(settings, library, embeddings, key, server.getIfAvailable(), meters);
  }

  /** With {@code server} null when there is no web server. */
  StreamWarmUp(
      WarmUpSettings settings,
      Library library,
      TrackEmbeddings embeddings,
      WarmUpKey key,
      ServerProperties server,
      MeterRegistry meters) {
    this.settings = settings;
    this.library = library;
    this.embeddings = embeddings;
    this.key = key;
    this.server = server;
    this.state = settings.enabled() ? State.WAITING : State.OFF;
    this.ok = requests(meters, "ok");
    this.failed = requests(meters, "failed");
    TimeGauge.builder(
            "cadenza.warmup.duration", this, TimeUnit.NANOSECONDS, w -> (double) w.tookNanos)
        .description("How long the stream warm-up before readiness ran (0 until it has, or off)")
        .register(meters);
  }

  private static Counter requests(MeterRegistry meters, String outcome) {
    return Counter.builder("cadenza.warmup.requests")
        .description("Loopback stream requests of the warm-up before readiness")
        .tag("outcome", outcome)
        .register(meters);
  }

  /** The service is started (its API port bound): the warm-up begins on a thread of its own. */
  @Override
  public void onApplicationEvent(ApplicationReadyEvent event) {
    if (state != State.WAITING || runner != null) {
      return;
    }
    if (server == null
        || !(event.getApplicationContext() instanceof WebServerApplicationContext web)) {
      skip("the service serves no HTTP");
      return;
    }
    int port = web.getWebServer().getPort();
    Thread thread = new Thread(() -> run(port), "cadenza-warm-up");
    thread.setDaemon(true);
    runner = thread;
    thread.start();
  }

  /** Runs the warm-up; whatever happens, it ends in a state that lets readiness go up. */
  private void run(int port) {
    try {
      warmUp(port);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      reason = e.toString();
      log.warn("The stream warm-up stopped: {}", reason);
    } finally {
      key.revoke();
      if (state == State.WAITING || state == State.WARMING) {
        reason = reason == null ? "stopped" : reason;
        state = State.SKIPPED;
      }
    }
  }

  private void warmUp(int port) throws InterruptedException {
    InetAddress loopback = loopback();
    if (loopback == null) {
      return;
    }
    awaitLibrary();
    awaitEmbeddings();
    WarmUpRequests plan = WarmUpRequests.of(library.catalog().tracks());
    if (plan.isEmpty()) {
      skip("the catalogue has no tracks to stream");
      return;
    }
    state = State.WARMING;
    long start = System.nanoTime();
    String ended = warm(new InetSocketAddress(loopback, port), "Bearer " + key.issue(), plan);
    key.revoke();
    tookNanos = System.nanoTime() - start;
    reason = ended;
    state = State.DONE;
    log.info(
        "Warmed up the stream path before readiness in {} ms, {}: {} loopback requests ({}"
            + " failed), whole files and ranges of {} tracks over {} connections",
        TimeUnit.NANOSECONDS.toMillis(tookNanos),
        ended,
        (long) ok.count() + (long) failed.count(),
        (long) failed.count(),
        plan.tracks(),
        CONNECTIONS);
  }

  /** Where the API port is reached over the loopback; null (and skipped) when it is not. */
  private InetAddress loopback() {
    if (Ssl.isEnabled(server.getSsl())) {
      skip("the API port serves TLS");
      return null;
    }
    InetAddress bound = server.getAddress();
    if (bound == null || bound.isAnyLocalAddress()) {
      return InetAddress.getLoopbackAddress();
    }
    if (bound.isLoopbackAddress()) {
      return bound;
    }
    skip("the API port listens on " + bound.getHostAddress() + " only, not on the loopback");
    return null;
  }

  private void awaitLibrary() throws InterruptedException {
    while (!stopping) {
      try {
        library.awaitFirstScan(1, TimeUnit.SECONDS);
        return;
      } catch (TimeoutException e) {
        // not yet: look again
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException("the library's first scan failed", e);
      }
    }
    throw new InterruptedException("stopping");
  }

  /** Until the first embedding pass is done, at most {@link #EMBEDDINGS_WAIT_MILLIS}. */
  private void awaitEmbeddings() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(EMBEDDINGS_WAIT_MILLIS);
    while (!stopping && !embeddings.settled() && System.nanoTime() - deadline < 0) {
      Thread.sleep(50);
    }
  }

  /**
   * Streams over {@link #CONNECTIONS} connections until the JIT compiler has settled (two quiet
   * {@link #LOOK_MILLIS} windows in a row) or {@code max-duration} has passed; says which.
   */
  private String warm(InetSocketAddress target, String authorization, WarmUpRequests plan)
      throws InterruptedException {
    long deadline = System.nanoTime() + settings.maxDuration().toNanos();
    List<Thread> connections = new ArrayList<>(CONNECTIONS);
    for (int i = 0; i < CONNECTIONS; i++) {
      Thread t =
          new Thread(() -> stream(target, authorization, plan, deadline), "cadenza-warm-up-" + i);
      t.setDaemon(true);
      t.start();
      connections.add(t);
    }
    String ended = "after cadenza.warm-up.max-duration";
    try {
      CompilerActivity compiler = new CompilerActivity();
      int quiet = 0;
      while (connections.stream().anyMatch(Thread::isAlive)) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          break;
        }
        Thread.sleep(Math.min(LOOK_MILLIS, left));
        quiet = compiler.quietSinceLastLook() ? quiet + 1 : 0;
        if (quiet == 2) {
          ended = "once the JIT compiler had settled";
          break;
        }
      }
      if (connections.stream().noneMatch(Thread::isAlive) && failed.count() > 0) {
        ended = "as its requests failed";
      }
    } catch (InterruptedException e) {
      stopping = true;
      throw e;
    } finally {
      finished = true; // each connection ends after its request in flight
    }
    for (Thread t : connections) {
      t.join();
    }
    return ended;
  }

  /** One connection's requests until the deadline (or too many failures in a row). */
  private void stream(
      InetSocketAddress target, String authorization, WarmUpRequests plan, long deadline) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    LoopbackConnection connection = null;
    int failures = 0;
    try {
      while (!finished
          && !stopping
          && failures < FAILURES_IN_A_ROW
          && System.nanoTime() - deadline < 0) {
        try {
          if (connection == null || !connection.open()) {
            connection = new LoopbackConnection(target, authorization, TIMEOUT_MILLIS);
          }
          if (connection.exchange(plan.next(random))) {
            ok.increment();
            failures = 0;
            continue;
          }
        } catch (IOException | RuntimeException e) {
          log.debug("A warm-up request failed: {}", e.toString());
          close(connection);
        }
        failed.increment();
        failures++;
      }
    } finally {
      close(connection);
    }
  }

  private static void close(LoopbackConnection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (IOException e) {
        // closing a loopback socket: nothing to do about it
      }
    }
  }

  private void skip(String why) {
    reason = why;
    state = State.SKIPPED;
    log.info("No stream warm-up before readiness: {}", why);
  }

  State state() {
    return state;
  }

  @Override
  public Health health() {
    State now = state;
    Health.Builder health =
        switch (now) {
          case OFF, DONE, SKIPPED -> Health.up();
          case WAITING, WARMING -> Health.outOfService();
        };
    health.withDetail("state", now.name().toLowerCase(Locale.ROOT));
    if (now == State.SKIPPED || now == State.DONE) {
      health.withDetail("reason", reason);
    }
    if (now == State.WARMING || now == State.DONE) {
      health.withDetail("requests", (long) ok.count()).withDetail("failed", (long) failed.count());
    }
    if (now == State.DONE) {
      health.withDetail("millis", TimeUnit.NANOSECONDS.toMillis(tookNanos));
    }
    return health.build();
  }

  /** Stops the warm-up (its key is revoked as it ends); the service is stopping. */
  @Override
  public void destroy() {
    stopping = true;
    key.revoke();
    Thread thread = runner;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
