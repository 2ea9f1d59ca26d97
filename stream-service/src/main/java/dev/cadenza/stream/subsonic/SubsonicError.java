package dev.cadenza.stream.subsonic;

import org.springframework.web.ErrorResponseException;

/**
 * A failed OpenSubsonic call: the spec's error code and a message for the client. Answered with
 * HTTP 200 and {@code status="failed"}, as the spec says. Messages name the parameter or id at
 * fault, never a credential.
 */
public final class SubsonicError extends RuntimeException {

  /** A generic error. */
  public static final int GENERIC = 0;

  /** Required parameter is missing. */
  public static final int MISSING_PARAMETER = 10;

  /** Wrong username or password. */
  public static final int WRONG_CREDENTIALS = 40;

  /** Token authentication not supported for this user. */
  public static final int TOKEN_NOT_SUPPORTED = 41;

  /** Authentication mechanism not supported. */
  public static final int MECHANISM_NOT_SUPPORTED = 42;

  /** Multiple conflicting authentication mechanisms provided. */
  public static final int CONFLICTING_MECHANISMS = 43;

  /** Invalid API key. */
  public static final int INVALID_API_KEY = 44;

  /** User is not authorized for the given operation. */
  public static final int NOT_AUTHORIZED = 50;

  /** The requested data was not found. */
  public static final int NOT_FOUND = 70;

  private final int code;

  public SubsonicError(int code, String message) {
    super(message, null, false, false);
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static SubsonicError generic(String message) {
    return new SubsonicError(GENERIC, message);
  }

  public static SubsonicError missing(String parameter) {
    return new SubsonicError(
        MISSING_PARAMETER, "Required parameter is missing: '" + parameter + "'");
  }

  public static SubsonicError invalid(String parameter, String value, String expected) {
    return new SubsonicError(
        GENERIC,
        "Parameter '" + parameter + "' must be " + expected + ", not '" + quote(value) + "'");
  }

  public static SubsonicError notFound(String kind, String id) {
    return new SubsonicError(NOT_FOUND, "No " + kind + " has id '" + quote(id) + "'");
  }

  public static SubsonicError notAuthorized(String what) {
    return new SubsonicError(NOT_AUTHORIZED, "Not authorized: " + what);
  }

  /**
   * The spec's error for a problem of the services behind the API (listeners' data): 404 is error
   * 70, 403 error 50, anything else (a value out of range, a busy or unreachable store) error 0;
   * the problem's detail is the message.
   */
  public static SubsonicError of(ErrorResponseException problem) {
    int status = problem.getStatusCode().value();
    String detail = problem.getBody().getDetail();
    String message = detail != null ? detail : problem.getBody().getTitle();
    int code =
        switch (status) {
          case 404 -> NOT_FOUND;
          case 403 -> NOT_AUTHORIZED;
          default -> GENERIC;
        };
    return new SubsonicError(code, message == null ? "Request failed (" + status + ")" : message);
  }

  /** A client's value as a message quotes it: at most 64 characters. */
  static String quote(String value) {
    return value.length() <= 64 ? value : prefix(value, 64) + "...";
  }

  /** At most {@code max} characters of {@code value}, never half of a surrogate pair. */
  static String prefix(String value, int max) {
    if (value.length() <= max) {
      return value;
    }
    return value.substring(0, Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max);
  }
}
