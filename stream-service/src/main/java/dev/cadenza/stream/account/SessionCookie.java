package dev.cadenza.stream.account;

import java.time.Duration;
import java.util.List;

/**
 * The {@code cadenza_session} cookie that carries a {@link WebSessions} token: read from the {@code
 * Cookie} header lines of a request (Spring's or Reactor Netty's alike), and written as {@code
 * HttpOnly} (no script reads it), {@code SameSite=Strict} (no other site's page sends it) and
 * {@code Secure} when the client came over TLS.
 */
final class SessionCookie {

  static final String NAME = "cadenza_session";

  /** The header that carries the CSRF token on a request that changes something. */
  static final String CSRF_HEADER = "X-Cadenza-CSRF";

  private SessionCookie() {}

  /** The session token among the {@code Cookie} header lines (may be null), or null. */
  static String token(List<String> cookieHeaders) {
    if (cookieHeaders == null) {
      return null;
    }
    for (String header : cookieHeaders) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).strip().equals(NAME)) {
          String value = pair.substring(eq + 1).strip();
          if (!value.isEmpty()) {
            return value;
          }
        }
      }
    }
    return null;
  }

  /** The {@code Set-Cookie} value that gives the browser {@code token}. */
  static String set(String token, Duration maxAge, boolean secure) {
    return NAME + "=" + token + attributes(maxAge.toSeconds(), secure);
  }

  /** The {@code Set-Cookie} value that makes the browser drop the cookie. */
  static String clear(boolean secure) {
    return NAME + "=" + attributes(0, secure);
  }

  private static String attributes(long maxAgeSeconds, boolean secure) {
    return "; Path=/; Max-Age="
        + maxAgeSeconds
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }
}
