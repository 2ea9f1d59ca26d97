package dev.cadenza.stream.clock;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Keeps the media clock on the NTP servers: polls them on a daemon thread of its own (first at
 * start-up, then every poll interval), selects and combines the servers that agree, and steers the
 * {@link DisciplinedClock}. Logs when the state changes, not at every poll.
 */
public final class ClockSync implements SmartLifecycle {

  /**
   * Polls without a sync after which the clock counts as unsynchronised (a lost reply or two is no
   * reason).
   */
  static final int HOLDOVER_POLLS = 3;

  private static final Logger log = LoggerFactory.getLogger(ClockSync.class);

  private final List<NtpServer> servers;
  private final Duration pollInterval;
  private final DisciplinedClock clock;
  private final NtpClient client;
  private final Map<SampleOutcome, Counter> samples = new EnumMap<>(SampleOutcome.class);
  private final Counter syncedPolls;
  private final Counter failedPolls;
  private volatile ScheduledExecutorService poller;
  private volatile Synced last; // null before the first sync
  private volatile Map<String, ClockStatus.ServerStatus> serverStates;
  private volatile String loggedState = "";

  /** The last sync. */
  private record Synced(ClockSelection.Result result, Instant at) {}

  public ClockSync(ClockProperties settings, DisciplinedClock clock, MeterRegistry meters) {
    this.servers = settings.ntp().parsedServers();
    this.pollInterval = settings.ntp().pollInterval();
    this.clock = clock;
    for (SampleOutcome o : SampleOutcome.values()) {
      samples.put(
          o,
          Counter.builder("cadenza.clock.samples")
              .description("NTP exchanges with the configured servers, by outcome")
              .tag("outcome", o.tag())
              .register(meters));
    }
    this.client =
        new NtpClient(
            clock.raw(),
            settings.ntp().samples(),
            settings.ntp().timeout(),
            settings.ntp().sampleSpacing(),
            o -> samples.get(o).increment());
    this.syncedPolls = polls(meters, "synchronised");
    this.failedPolls = polls(meters, "unsynchronised");
    Map<String, ClockStatus.ServerStatus> pending = new LinkedHashMap<>();
    for (NtpServer s : servers) {
      pending.put(
          s.toString(),
          new ClockStatus.ServerStatus(s.toString(), "pending", 0, 0, 0, 0, 0, Map.of()));
    }
    this.serverStates = pending;
    ClockMetrics.register(meters, this);
  }

  private static Counter polls(MeterRegistry meters, String result) {
    return Counter.builder("cadenza.clock.polls")
        .description("Polls of the NTP servers, by whether they synchronised the media clock")
        .tag("result", result)
        .register(meters);
  }

  /** Whether NTP servers are configured at all. */
  public boolean configured() {
    return !servers.isEmpty();
  }

  /** Polls all servers once and steers the clock; runs on the poller thread (and in tests). */
  void poll() {
    List<ServerPoll> polls = client.poll(servers);
    ClockSelection.Result result = ClockSelection.select(polls);
    Map<String, ClockStatus.ServerStatus> states = new LinkedHashMap<>();
    for (ServerPoll p : polls) {
      states.put(p.server().toString(), serverStatus(p, result));
    }
    serverStates = states;
    if (result.synchronised()) {
      long before = clock.correctionNanos();
      boolean stepped = clock.steer(result.offset());
      last = new Synced(result, Instant.now());
      syncedPolls.increment();
      if (stepped) {
        log.info(
            "Media clock stepped forward by {} ms to follow the NTP servers",
            millis(result.offset() - before));
      }
    } else {
      failedPolls.increment();
    }
    logStateChange(states, result);
  }

  private static ClockStatus.ServerStatus serverStatus(ServerPoll p, ClockSelection.Result result) {
    Map<String, Integer> outcomes = new LinkedHashMap<>();
    p.outcomes().forEach((o, n) -> outcomes.put(o.tag(), n));
    if (!p.usable()) {
      return new ClockStatus.ServerStatus(
          p.server().toString(),
          p.answered() ? "rejected" : "unreachable",
          0,
          0,
          0,
          0,
          0,
          outcomes);
    }
    String state = result.survivors().contains(p) ? "selected" : "falseticker";
    return new ClockStatus.ServerStatus(
        p.server().toString(),
        state,
        p.best().offset(),
        p.best().delay(),
        p.jitter(),
        p.rootDistance(),
        p.best().stratum(),
        outcomes);
  }

  private void logStateChange(
      Map<String, ClockStatus.ServerStatus> states, ClockSelection.Result result) {
    StringBuilder state =
        new StringBuilder(result.synchronised() ? "synchronised" : "unsynchronised");
    states
        .values()
        .forEach(s -> state.append(' ').append(s.server()).append('=').append(s.state()));
    String now = state.toString();
    if (now.equals(loggedState)) {
      return;
    }
    loggedState = now;
    if (result.synchronised()) {
      log.info(
          "Media clock synchronised: offset {} ms to the raw clock, root distance {} ms, stratum {};"
              + " servers: {}",
          millis(result.offset()),
          millis(result.rootDistance()),
          result.systemPeer().best().stratum() + 1,
          describe(states));
    } else {
      log.warn(
          "Media clock not synchronised: no majority of usable NTP servers; servers: {}",
          describe(states));
    }
  }

  private static String describe(Map<String, ClockStatus.ServerStatus> states) {
    StringBuilder out = new StringBuilder();
    for (ClockStatus.ServerStatus s : states.values()) {
      if (!out.isEmpty()) {
        out.append(", ");
      }
      out.append(s.server()).append(' ').append(s.state());
      if (s.state().equals("selected") || s.state().equals("falseticker")) {
        out.append(" (offset ").append(millis(s.offset())).append(" ms)");
      } else if (!s.outcomes().isEmpty()) {
        out.append(' ').append(s.outcomes());
      }
    }
    return out.toString();
  }

  static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  /** The selection the clock last followed; null before the first sync. */
  ClockSelection.Result lastResult() {
    Synced s = last;
    return s == null ? null : s.result();
  }

  /** The state now. */
  public ClockStatus status() {
    List<ClockStatus.ServerStatus> states = List.copyOf(serverStates.values());
    if (!configured()) {
      return new ClockStatus(false, false, 0, 0, 0, 0, ClockStatus.UNSYNCHRONISED, 0, null, states);
    }
    Synced s = last;
    if (s == null) {
      return new ClockStatus(true, false, 0, 0, 0, 0, ClockStatus.UNSYNCHRONISED, 0, null, states);
    }
    Instant now = Instant.now();
    Duration age = Duration.between(s.at(), now);
    boolean synchronised = age.compareTo(pollInterval.multipliedBy(HOLDOVER_POLLS)) <= 0;
    ClockSelection.Result r = s.result();
    long rootDistance = r.rootDistance() + Math.round(ServerPoll.PHI * Math.max(0, age.toNanos()));
    return new ClockStatus(
        true,
        synchronised,
        r.offset(),
        r.offset() - clock.correctionNanos(),
        rootDistance,
        r.jitter(),
        synchronised ? r.systemPeer().best().stratum() + 1 : ClockStatus.UNSYNCHRONISED,
        r.systemPeer().refId(),
        s.at(),
        states);
  }

  @Override
  public void start() {
    if (servers.isEmpty()) {
      log.info(
          "No NTP servers configured (cadenza.clock.ntp.servers): the media clock is the system clock");
      return;
    }
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "media-clock-ntp");
              t.setDaemon(true);
              return t;
            });
    executor.scheduleWithFixedDelay(
        this::pollSafely, 0, pollInterval.toNanos(), TimeUnit.NANOSECONDS);
    poller = executor;
    log.info("Polling NTP servers {} every {} s", servers, pollInterval.toMillis() / 1e3);
  }

  private void pollSafely() {
    try {
      poll();
    } catch (RuntimeException e) {
      // a failed poll must not end the schedule
      log.warn("NTP poll failed", e);
    }
  }

  @Override
  public void stop() {
    ScheduledExecutorService p = poller;
    if (p != null) {
      p.shutdownNow();
      poller = null;
    }
  }

  @Override
  public boolean isRunning() {
    return poller != null;
  }
}
