package dev.cadenza.protocol;

/** Paths and media types of the clock and session API. */
public final class Api {

  /** {@code GET}: one NTP-style time exchange with the media clock; see {@link TimeExchange}. */
  public static final String TIME = "/api/v1/time";

  /** {@code POST}: create a session ({@link CreateSession}); answers a {@link SessionView}. */
  public static final String SESSIONS = "/api/v1/sessions";

  /** The query parameter of {@link #TIME} that carries the client's transmit instant. */
  public static final String ORIGINATE_PARAM = "t1";

  /** The SSE event stream of a session: {@code GET /api/v1/sessions/{id}/events}. */
  public static String events(String sessionId) {
    return session(sessionId) + "/events";
  }

  public static String session(String sessionId) {
    return SESSIONS + "/" + sessionId;
  }

  /** {@code POST} a {@link JoinSession}: answers the new {@link Member}. */
  public static String members(String sessionId) {
    return session(sessionId) + "/members";
  }

  /** {@code POST} a {@link PlayCommand}, {@link PauseCommand} or {@link SeekCommand}. */
  public static String command(String sessionId, String command) {
    return session(sessionId) + "/" + command;
  }

  private Api() {}
}
