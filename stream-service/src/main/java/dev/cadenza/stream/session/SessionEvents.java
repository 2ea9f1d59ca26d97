package dev.cadenza.stream.session;

import dev.cadenza.protocol.SessionEvent;
import dev.cadenza.protocol.SessionView;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The SSE subscribers of this pod, by session. Every change this pod makes, and every newer version
 * a poll finds, is offered here; each subscriber gets the versions in increasing order, each at
 * most once. Versions that raced past each other, or that another pod made between two polls, are
 * coalesced into the newest: every event carries the whole session, so nothing is lost.
 */
final class SessionEvents {

  static final String SNAPSHOT = "snapshot";
  static final String ENDED = "ended";

  /** Events a subscriber may fall behind by before its stream is closed (it reconnects). */
  private static final int SUBSCRIBER_BUFFER = 256;

  private final ConcurrentHashMap<String, Topic> topics = new ConcurrentHashMap<>();
  private final AtomicInteger subscribers = new AtomicInteger();

  /**
   * The events of session {@code current.id()} from now on: first a {@code snapshot} of the newest
   * version known (skipped when it is {@code lastEventId}: the client has it), then one per newer
   * version, and {@code ended} before completion.
   */
  Flux<SessionEvent> subscribe(StoredSession current, Long lastEventId) {
    String id = current.id();
    return Flux.defer(
        () -> {
          // Lock order: a topic's lock is never taken inside a map operation (a completing sink
          // leaves its topic, and the map, from under the topic's lock).
          while (true) {
            Topic topic = topics.computeIfAbsent(id, k -> new Topic());
            Sinks.Many<SessionEvent> sink = topic.add(current, lastEventId);
            if (sink == null) {
              topics.remove(id, topic); // its last subscriber just left: start a new one
              continue;
            }
            subscribers.incrementAndGet();
            return sink.asFlux()
                .doFinally(
                    signal -> {
                      subscribers.decrementAndGet();
                      if (topic.remove(sink)) {
                        topics.remove(id, topic);
                      }
                    });
          }
        });
  }

  /** A version of a session, made here or read from the store: sent on if newer than the last. */
  void offer(StoredSession session) {
    Topic t = topics.get(session.id());
    if (t != null) {
      t.offer(session);
    }
  }

  /** The session is gone: subscribers get {@code ended} with its last state, then completion. */
  void ended(String id, SessionView last) {
    Topic t = topics.get(id);
    if (t != null) {
      t.end(last);
    }
  }

  /**
   * Closes every stream without {@code ended} (the sessions go on): on shutdown, so the pod stops
   * without waiting for them and players reconnect, with {@code Last-Event-ID}, to another pod.
   */
  void closeAll() {
    topics.values().forEach(Topic::close);
  }

  /** The sessions that have subscribers on this pod (for the poll). */
  Set<String> watched() {
    return Set.copyOf(topics.keySet());
  }

  /** The newest version known of a watched session, or null. */
  SessionView latest(String id) {
    Topic t = topics.get(id);
    return t == null ? null : t.latestView();
  }

  int subscribers() {
    return subscribers.get();
  }

  /** The subscribers of one session; every method runs under its lock, so emission is serial. */
  private static final class Topic {

    private final List<Sinks.Many<SessionEvent>> sinks = new ArrayList<>();
    private StoredSession latest;
    private SessionView endedWith;
    private boolean retired;

    /** A new subscriber's sink, or null when this topic has lost its last subscriber. */
    synchronized Sinks.Many<SessionEvent> add(StoredSession current, Long lastEventId) {
      if (retired) {
        return null;
      }
      offer(current);
      Sinks.Many<SessionEvent> sink =
          Sinks.many()
              .unicast()
              .onBackpressureBuffer(Queues.<SessionEvent>get(SUBSCRIBER_BUFFER).get());
      if (endedWith != null) {
        sink.tryEmitNext(new SessionEvent(ENDED, endedWith));
        sink.tryEmitComplete();
        return sink;
      }
      if (lastEventId == null || lastEventId != latest.version()) {
        sink.tryEmitNext(new SessionEvent(SNAPSHOT, latest.view()));
      }
      sinks.add(sink);
      return sink;
    }

    /** Whether the last subscriber has gone; the topic then takes no new ones. */
    synchronized boolean remove(Sinks.Many<SessionEvent> sink) {
      sinks.remove(sink);
      retired = sinks.isEmpty();
      return retired;
    }

    synchronized void offer(StoredSession s) {
      if (endedWith != null || (latest != null && s.version() <= latest.version())) {
        return;
      }
      latest = s;
      emit(new SessionEvent(s.change(), s.view()));
    }

    synchronized void end(SessionView last) {
      if (endedWith != null) {
        return;
      }
      endedWith = latest != null && latest.version() > last.version() ? latest.view() : last;
      emit(new SessionEvent(ENDED, endedWith));
      // a copy: completing a sink can remove it from the list on this thread
      List.copyOf(sinks).forEach(Sinks.Many::tryEmitComplete);
    }

    synchronized void close() {
      List.copyOf(sinks).forEach(Sinks.Many::tryEmitComplete);
    }

    synchronized SessionView latestView() {
      return latest == null ? null : latest.view();
    }

    private void emit(SessionEvent event) {
      for (Sinks.Many<SessionEvent> sink : List.copyOf(sinks)) {
        if (sink.tryEmitNext(event).isFailure()) {
          // too far behind (or gone): end its stream; the client reconnects and gets a snapshot
          sink.tryEmitComplete();
        }
      }
    }
  }
}
