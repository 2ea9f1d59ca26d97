package dev.cadenza.protocol;

/** Paths and media types of the clock, session and listeners' data API. */
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

  // --- listeners' music data (docs/listening.md) ---------------------------------------------

  /** {@code GET ?kind=}: starred items; {@code PUT|DELETE .../{kind}/{id}}: star, unstar. */
  public static final String MY_STARS = "/api/v1/me/stars";

  /** {@code GET ?kind=}: rated items; {@code PUT|DELETE .../{kind}/{id}}: rate, clear. */
  public static final String MY_RATINGS = "/api/v1/me/ratings";

  /** {@code GET ?kind=&order=frequent|recent}: played items. */
  public static final String MY_PLAYS = "/api/v1/me/plays";

  /** {@code GET ?kind=&ids=}, {@code GET .../{kind}/{id}}: stars, rating and plays of items. */
  public static final String MY_ANNOTATIONS = "/api/v1/me/annotations";

  /** {@code POST}: a play or a now-playing report; {@code GET}: the history. */
  public static final String MY_SCROBBLES = "/api/v1/me/scrobbles";

  /** {@code GET|PUT}: the play queue. */
  public static final String MY_QUEUE = "/api/v1/me/queue";

  /** {@code GET}: what every listener is playing. */
  public static final String NOW_PLAYING = "/api/v1/now-playing";

  /** {@code GET}: own and public playlists; {@code POST}: create one. */
  public static final String PLAYLISTS = "/api/v1/playlists";

  public static String playlist(String playlistId) {
    return PLAYLISTS + "/" + playlistId;
  }

  /**
   * {@code PUT} (replace), {@code POST} (insert); {@code .../{index}}: {@code DELETE}, {@code
   * PATCH} (move).
   */
  public static String playlistEntries(String playlistId) {
    return playlist(playlistId) + "/entries";
  }

  private Api() {}
}
