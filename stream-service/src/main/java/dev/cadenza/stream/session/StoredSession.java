package dev.cadenza.stream.session;

import dev.cadenza.protocol.SessionView;

/**
 * A session as the stores keep it: its state and the kind of change that made this version (the SSE
 * event type a pod that only sees the result announces it as).
 */
record StoredSession(SessionView view, String change) {

  String id() {
    return view.id();
  }

  long version() {
    return view.version();
  }

  /** Whether it has expired at media-clock instant {@code nowMicros}. */
  boolean expiredAt(long nowMicros) {
    return view.expiresAtMicros() <= nowMicros;
  }
}
