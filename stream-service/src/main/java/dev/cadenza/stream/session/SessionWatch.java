package dev.cadenza.stream.session;

import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.clock.MediaClock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

/**
 * Keeps this pod's SSE subscribers current with changes it did not make. With the shared store it
 * re-reads every watched session each {@code poll-interval} (changes made through other pods, and
 * sessions they ended or that expired); with the in-memory store every change is made here and
 * pushed at once, so it only drops expired sessions, once a second. On shutdown it closes the SSE
 * streams, which would otherwise hold the graceful shutdown for its whole timeout.
 */
final class SessionWatch implements SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(SessionWatch.class);

  private final SessionStore store;
  private final SessionEvents events;
  private final MediaClock clock;
  private final SessionSettings settings;
  private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
  private volatile Disposable task;
  private volatile boolean failing;

  SessionWatch(
      SessionStore store, SessionEvents events, MediaClock clock, SessionSettings settings) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.settings = settings;
  }

  @Override
  public void start() {
    Duration every = store.shared() ? settings.pollInterval() : Duration.ofSeconds(1);
    task =
        Flux.interval(every, Schedulers.parallel())
            .onBackpressureDrop()
            .subscribe(tick -> runOnce(), e -> log.error("Session watch stopped", e));
  }

  void runOnce() {
    if (store instanceof InMemorySessionStore memory) {
      memory.removeExpired(clock.nowMicros());
      return;
    }
    for (String id : events.watched()) {
      // one read per session at a time: a slow DynamoDB does not pile reads up
      if (inFlight.add(id)) {
        store
            .get(id, clock.nowMicros())
            .map(Optional::of)
            .defaultIfEmpty(Optional.empty())
            .doFinally(s -> inFlight.remove(id))
            .subscribe(
                found -> {
                  recovered();
                  if (found.isPresent()) {
                    events.offer(found.get());
                  } else {
                    SessionView last = events.latest(id);
                    if (last != null) {
                      log.info("Session {} ended or expired (seen by poll)", SessionIds.tag(id));
                      events.ended(id, last);
                    }
                  }
                },
                this::failed);
      }
    }
  }

  private void failed(Throwable e) {
    // streams stay open through an outage; the poll catches up when DynamoDB is back
    if (!failing) {
      failing = true;
      log.warn("Cannot poll sessions from DynamoDB; SSE subscribers wait: {}", e.toString());
    }
  }

  private void recovered() {
    if (failing) {
      failing = false;
      log.info("Polling sessions from DynamoDB again");
    }
  }

  /** Runs before the web server's graceful shutdown (a higher phase stops first). */
  @Override
  public void stop() {
    events.closeAll();
    Disposable t = task;
    if (t != null) {
      t.dispose();
    }
    task = null;
  }

  @Override
  public boolean isRunning() {
    return task != null;
  }
}
