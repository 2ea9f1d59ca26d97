package dev.cadenza.stream.account;

import dev.cadenza.stream.web.Problems;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problems of authentication and accounts. None quotes a password, token or key; a
 * refused login does not say whether the user exists.
 */
public final class AccountProblems {

  /** The challenge every 401 carries (RFC 6750; Basic is accepted too, see docs/auth.md). */
  static final String CHALLENGE = "Bearer realm=\"cadenza\"";

  private AccountProblems() {}

  static ErrorResponseException credentialsRequired() {
    return unauthorized(
        "credentials-required",
        "Authentication required",
        "This route needs credentials: 'Authorization: Bearer <API key>', 'Authorization: Basic'"
            + " with username:password, or the session cookie of a web login"
            + " (POST /api/v1/auth/session).");
  }

  /** The session cookie names no live session (logged out, expired, or its user changed). */
  static ErrorResponseException sessionEnded() {
    return unauthorized(
        "session-ended",
        "Session ended",
        "Your session ended (logged out, expired, or the account changed); log in again.");
  }

  static ErrorResponseException csrfTokenMissing() {
    return Problems.problem(
        HttpStatus.FORBIDDEN,
        "csrf-token-missing",
        "CSRF token missing",
        "A request that changes something with the session cookie must carry the session's"
            + " token in the X-Cadenza-CSRF header (from the login or GET /api/v1/auth/session).",
        Map.of("header", SessionCookie.CSRF_HEADER));
  }

  static ErrorResponseException csrfTokenMismatch() {
    return Problems.problem(
        HttpStatus.FORBIDDEN,
        "csrf-token-mismatch",
        "CSRF token mismatch",
        "The X-Cadenza-CSRF header is not this session's token; read it again from GET"
            + " /api/v1/auth/session.",
        Map.of("header", SessionCookie.CSRF_HEADER));
  }

  static ErrorResponseException malformedCredentials(String detail) {
    return unauthorized("malformed-credentials", "Malformed credentials", detail);
  }

  /** The client's credentials were refused, for the reason given. */
  static ErrorResponseException refused(Authenticator.Refused refused) {
    return switch (refused.reason()) {
      case WRONG_CREDENTIALS, TOKEN_NOT_SUPPORTED ->
          unauthorized(
              "wrong-credentials",
              "Wrong credentials",
              "The username and password, or the API key, are not valid.");
      case DISABLED ->
          Problems.problem(
              HttpStatus.FORBIDDEN,
              "user-disabled",
              "User disabled",
              "This user is disabled; an admin can enable it again.",
              Map.of());
      case RATE_LIMITED -> rateLimited(refused.retryAfterSeconds());
    };
  }

  static ErrorResponseException rateLimited(long retryAfterSeconds) {
    return Problems.retryable(
        HttpStatus.TOO_MANY_REQUESTS,
        "rate-limited",
        "Too many failed logins",
        "Too many failed logins for this user or from this address; retry after "
            + retryAfterSeconds
            + " s.",
        Map.of("retryAfterSeconds", retryAfterSeconds),
        retryAfterSeconds);
  }

  /** The users table (or the embedded store) cannot be reached; the caller logs why. */
  public static ErrorResponseException unavailable() {
    return Problems.storeUnavailable(
        "accounts-unavailable",
        "Accounts unavailable",
        "The store of users cannot be reached right now; retry shortly.");
  }

  /** Too many password hashes waiting on this pod. */
  static ErrorResponseException busy() {
    return Problems.retryable(
        HttpStatus.SERVICE_UNAVAILABLE,
        "accounts-busy",
        "Too many password checks",
        "This service is checking too many passwords at once; retry shortly.",
        Map.of(),
        1);
  }

  /** The listener may not do {@code what}; {@code detail} says who may. */
  public static ErrorResponseException forbidden(String what, String detail) {
    return Problems.problem(
        HttpStatus.FORBIDDEN, "forbidden", "Forbidden", detail, Map.of("action", what));
  }

  static ErrorResponseException adminOnly(String what) {
    return forbidden(what, "Only an admin may " + what + ".");
  }

  static ErrorResponseException userNotFound(String username) {
    return aboutUser(
        HttpStatus.NOT_FOUND,
        "user-not-found",
        "User not found",
        username,
        "No user is named '" + username + "'.");
  }

  static ErrorResponseException usernameTaken(String username) {
    return aboutUser(
        HttpStatus.CONFLICT,
        "username-taken",
        "Username taken",
        username,
        "A user named '" + username + "' already exists (usernames ignore case).");
  }

  static ErrorResponseException lastAdmin(String username, String change) {
    return aboutUser(
        HttpStatus.CONFLICT,
        "last-admin",
        "Last admin",
        username,
        "'"
            + username
            + "' is the last enabled admin and cannot be "
            + change
            + "; make another user an admin first.");
  }

  static ErrorResponseException userBusy(String username) {
    return Problems.retryable(
        HttpStatus.CONFLICT,
        "user-busy",
        "User busy",
        "User '" + username + "' changed under this request several times; send it again.",
        Map.of("username", username),
        1);
  }

  static ErrorResponseException keyNotFound(String id) {
    return Problems.problem(
        HttpStatus.NOT_FOUND,
        "key-not-found",
        "API key not found",
        "You have no API key with id '" + id + "'.",
        Map.of("id", id));
  }

  static ErrorResponseException wrongCurrentPassword() {
    return Problems.problem(
        HttpStatus.FORBIDDEN,
        "wrong-password",
        "Wrong current password",
        "Field 'current' is not your current password.",
        Map.of("field", "current"));
  }

  /** A problem about the user {@code username}, who it names in property {@code username}. */
  private static ErrorResponseException aboutUser(
      HttpStatus status, String type, String title, String username, String detail) {
    return Problems.problem(status, type, title, detail, Map.of("username", username));
  }

  private static ErrorResponseException unauthorized(String type, String title, String detail) {
    ErrorResponseException e =
        Problems.problem(HttpStatus.UNAUTHORIZED, type, title, detail, Map.of());
    e.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
    return e;
  }
}
