package dev.cadenza.stream.web;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The RFC 9457 problems the API answers with; each says what was wrong and with what. */
public final class Problems {

  private static final String TYPES = "https://cadenza.dev/problems/";

  private Problems() {}

  public static ErrorResponseException trackNotFound(String id) {
    return notFound("track", id);
  }

  public static ErrorResponseException notFound(String kind, String id) {
    return problem(
        HttpStatus.NOT_FOUND,
        "not-found",
        Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " not found",
        "No " + kind + " has id '" + id + "'.",
        Map.of("id", id));
  }

  public static ErrorResponseException coverNotFound(String id) {
    return problem(
        HttpStatus.NOT_FOUND,
        "no-cover",
        "No cover art",
        "Track '" + id + "' has no embedded cover and its folder no cover image.",
        Map.of("id", id));
  }

  public static ErrorResponseException trackUnavailable(String id, Throwable cause) {
    return retryAfter(
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "track-unavailable",
            "Track unavailable",
            "The file of track '" + id + "' cannot be read right now.",
            Map.of("id", id),
            cause),
        5);
  }

  public static ErrorResponseException preconditionFailed(String id) {
    return problem(
        HttpStatus.PRECONDITION_FAILED,
        "precondition-failed",
        "Precondition failed",
        "If-Match or If-Unmodified-Since does not hold for the current version of track '"
            + id
            + "'.",
        Map.of());
  }

  public static ErrorResponseException rangeNotSatisfiable(String id, long size) {
    ErrorResponseException e =
        problem(
            HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
            "range-not-satisfiable",
            "Range not satisfiable",
            "No requested range overlaps the " + size + " bytes of track '" + id + "'.",
            Map.of("size", size));
    e.getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
    return e;
  }

  /** A query parameter with a value the API cannot use. */
  public static ErrorResponseException badParameter(String name, String value, String reason) {
    ErrorResponseException e =
        problem(
            HttpStatus.BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
            "Parameter '" + name + "' " + reason + ".",
            Map.of("parameter", name));
    // the offending value may be absent (null) and is reported as given
    e.getBody().setProperty("value", value);
    return e;
  }

  // --- group sessions ------------------------------------------------------------------------

  public static ErrorResponseException sessionNotFound(String id) {
    return problem(
        HttpStatus.NOT_FOUND,
        "session-not-found",
        "Session not found",
        "No session has id '" + id + "': it never existed, was ended, or expired.",
        Map.of("sessionId", id));
  }

  public static ErrorResponseException memberNotFound(String sessionId, String memberId) {
    return problem(
        HttpStatus.NOT_FOUND,
        "member-not-found",
        "Member not found",
        "Session '" + sessionId + "' has no member with id '" + memberId + "'.",
        Map.of("sessionId", sessionId, "memberId", memberId));
  }

  /** A path segment that cannot be an id of {@code kind} at all. */
  public static ErrorResponseException invalidId(String kind, String value, String expected) {
    ErrorResponseException e =
        problem(
            HttpStatus.BAD_REQUEST,
            "invalid-id",
            "Invalid id",
            "'" + value + "' is not a " + kind + " id: ids are " + expected + ".",
            Map.of("kind", kind));
    e.getBody().setProperty("value", value);
    return e;
  }

  /** A request body that is not JSON, or lacks or mistypes a field; {@code field} may be null. */
  public static ErrorResponseException invalidBody(String field, String detail) {
    ErrorResponseException e =
        problem(HttpStatus.BAD_REQUEST, "invalid-body", "Invalid request body", detail, Map.of());
    if (field != null) {
      e.getBody().setProperty("field", field);
    }
    return e;
  }

  /**
   * A well-formed command the session cannot carry out as asked (nothing to resume, a position
   * outside the track, an instant in the past); {@code detail} says what to change.
   */
  public static ErrorResponseException invalidCommand(
      String command, String detail, Map<String, ?> properties) {
    ErrorResponseException e =
        problem(
            HttpStatus.BAD_REQUEST, "invalid-command", "Invalid " + command, detail, properties);
    e.getBody().setProperty("command", command);
    return e;
  }

  public static ErrorResponseException sessionFull(String id, int maxMembers) {
    return problem(
        HttpStatus.CONFLICT,
        "session-full",
        "Session full",
        "Session '"
            + id
            + "' already has "
            + maxMembers
            + " members, the most one session holds (cadenza.sessions.max-members); a member"
            + " must leave first.",
        Map.of("sessionId", id, "maxMembers", maxMembers));
  }

  /** If-Match named a version of the session that is no longer the current one. */
  public static ErrorResponseException sessionChanged(String id, String ifMatch, long current) {
    return changed("session", "sessionId", id, ifMatch, current);
  }

  /**
   * If-Match named a version of a versioned resource ({@code kind}: a session, a playlist) that is
   * no longer the current one; the answer carries the current ETag.
   */
  public static ErrorResponseException changed(
      String kind, String idProperty, String id, String ifMatch, long current) {
    ErrorResponseException e =
        problem(
            HttpStatus.PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            "If-Match "
                + ifMatch
                + " does not match "
                + kind
                + " '"
                + id
                + "', which is at version "
                + current
                + " (ETag \""
                + current
                + "\"); read it again and retry, or send the request without If-Match.",
            Map.of(idProperty, id, "currentVersion", current));
    e.getHeaders().setETag("\"" + current + "\"");
    return e;
  }

  /** Commands kept colliding with concurrent ones beyond the retry bound. */
  public static ErrorResponseException sessionBusy(String id, int attempts) {
    return retryable(
        HttpStatus.CONFLICT,
        "session-busy",
        "Session busy",
        "Session '"
            + id
            + "' changed under this command "
            + attempts
            + " times in a row; send it again.",
        Map.of("sessionId", id),
        1);
  }

  /** The in-memory store holds its maximum of sessions. */
  public static ErrorResponseException tooManySessions(int maxSessions) {
    return retryable(
        HttpStatus.SERVICE_UNAVAILABLE,
        "too-many-sessions",
        "Too many sessions",
        "This service holds its maximum of "
            + maxSessions
            + " sessions (cadenza.sessions.max-sessions); end unused ones or retry later.",
        Map.of("maxSessions", maxSessions),
        60);
  }

  /** The sessions table cannot be reached; sessions are state, so there is no fallback. */
  public static ErrorResponseException sessionsUnavailable(Throwable cause) {
    return retryAfter(
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "sessions-unavailable",
            "Sessions unavailable",
            "The sessions table in DynamoDB cannot be reached right now; retry shortly.",
            Map.of(),
            cause),
        2);
  }

  /**
   * Similar tracks cannot be answered: embeddings are off on this pod ({@code retryAfterSeconds}
   * 0), or the track has not been embedded yet.
   */
  public static ErrorResponseException similarUnavailable(
      String id, String detail, int retryAfterSeconds) {
    ErrorResponseException e =
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "similar-unavailable",
            "Similar tracks unavailable",
            detail,
            Map.of("id", id));
    if (retryAfterSeconds > 0) {
      e.getHeaders().set(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    }
    return e;
  }

  /**
   * A problem of {@code type} (the last segment of its type URI), for the problems a feature
   * defines beside these.
   */
  public static ErrorResponseException problem(
      HttpStatus status, String type, String title, String detail, Map<String, ?> properties) {
    return problem(status, type, title, detail, properties, null);
  }

  /**
   * A problem whose answer carries {@code Retry-After: retryAfterSeconds}: something busy or out of
   * reach right now, that the client may send again.
   */
  public static ErrorResponseException retryable(
      HttpStatus status,
      String type,
      String title,
      String detail,
      Map<String, ?> properties,
      long retryAfterSeconds) {
    return retryAfter(problem(status, type, title, detail, properties), retryAfterSeconds);
  }

  /**
   * A store of state ({@code type}, {@code title}) that cannot be reached right now: a 503 with
   * {@code Retry-After: 2} and no properties; sessions and listeners' data have no fallback.
   */
  public static ErrorResponseException storeUnavailable(String type, String title, String detail) {
    return retryable(HttpStatus.SERVICE_UNAVAILABLE, type, title, detail, Map.of(), 2);
  }

  private static ErrorResponseException retryAfter(ErrorResponseException e, long seconds) {
    e.getHeaders().set(HttpHeaders.RETRY_AFTER, Long.toString(seconds));
    return e;
  }

  private static ErrorResponseException problem(
      HttpStatus status,
      String type,
      String title,
      String detail,
      Map<String, ?> properties,
      Throwable cause) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPES + type));
    p.setTitle(title);
    properties.forEach(p::setProperty);
    return new ErrorResponseException(status, p, cause);
  }

  // --- connections and event streams (web/ConnectionLimits, web/EventStreamLimit) -------------

  /** A connection whose request head did not arrive whole in time; the connection closes. */
  public static ErrorResponseException requestHeadTimeout(Duration timeout) {
    return problem(
        HttpStatus.REQUEST_TIMEOUT,
        "request-timeout",
        "Request timeout",
        "The request line and headers did not arrive whole within "
            + timeout.toMillis()
            + " ms (cadenza.server.request-head-timeout); the connection is closed.",
        Map.of("timeoutMillis", timeout.toMillis()));
  }

  /** The client has its maximum of event streams open. */
  public static ErrorResponseException tooManyEventStreams(int max, long retryAfterSeconds) {
    return retryable(
        HttpStatus.TOO_MANY_REQUESTS,
        "too-many-event-streams",
        "Too many event streams",
        "This client already has "
            + max
            + " event streams open, the most one client may hold"
            + " (cadenza.server.max-event-streams-per-client); close one, or retry later.",
        Map.of("maxEventStreams", max),
        retryAfterSeconds);
  }
}
