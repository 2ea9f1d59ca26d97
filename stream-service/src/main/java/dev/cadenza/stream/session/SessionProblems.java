package dev.cadenza.stream.session;

import dev.cadenza.stream.web.Problems;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problems of the per-user limits on sessions (docs/sessions.md, <i>Limits</i>); the
 * other session problems are in {@link Problems}.
 */
final class SessionProblems {

  private SessionProblems() {}

  /** The user (or client address) has {@code max} live sessions: 429 until one ends or expires. */
  static ErrorResponseException sessionQuotaExceeded(int max, long retryAfterSeconds) {
    return Problems.retryable(
        HttpStatus.TOO_MANY_REQUESTS,
        "session-quota-exceeded",
        "Too many sessions",
        "You have "
            + max
            + " live sessions, the most one user may have at a time"
            + " (cadenza.sessions.max-sessions-per-user). End one (DELETE /api/v1/sessions/{id})"
            + " or wait until one expires: the first in about "
            + retryAfterSeconds
            + " s if nobody uses it.",
        Map.of("maxSessionsPerUser", max),
        retryAfterSeconds);
  }

  /** The user (or client address) already has {@code max} members in session {@code id}. */
  static ErrorResponseException memberQuotaExceeded(String id, int max) {
    return Problems.problem(
        HttpStatus.CONFLICT,
        "member-quota-exceeded",
        "Too many members of yours",
        "You already have "
            + max
            + " members in session '"
            + id
            + "', the most one user may have in a session"
            + " (cadenza.sessions.max-members-per-user); one of them must leave first.",
        Map.of("sessionId", id, "maxMembersPerUser", max));
  }

  /** A create kept colliding with other creates or ends of the same user's. */
  static ErrorResponseException createBusy(int attempts) {
    return Problems.retryable(
        HttpStatus.CONFLICT,
        "session-busy",
        "Sessions busy",
        "Your list of sessions changed under this create "
            + attempts
            + " times in a row (other creates or ends of yours); send it again.",
        Map.of(),
        1);
  }
}
