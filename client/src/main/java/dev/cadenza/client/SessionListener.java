package dev.cadenza.client;

import dev.cadenza.protocol.SessionEvent;
import java.time.Duration;

/**
 * Receives a session's events from {@link CadenzaClient#followEvents}, on the subscription's own
 * thread, one at a time and in order.
 */
@FunctionalInterface
public interface SessionListener {

  /**
   * One event: {@code snapshot} first on every (re)connection, then each change; {@code ended}
   * last.
   */
  void onEvent(SessionEvent event);

  /**
   * The connection dropped; the next attempt, with {@code Last-Event-ID}, follows in {@code wait}.
   */
  default void onDisconnected(Throwable cause, Duration wait) {}

  /**
   * The subscription is over: after {@code ended}, after {@link SessionEventStream#close()}
   * (failure null both times), or because the service refused it (e.g. 404: no such session).
   */
  default void onClosed(CadenzaException failure) {}
}
