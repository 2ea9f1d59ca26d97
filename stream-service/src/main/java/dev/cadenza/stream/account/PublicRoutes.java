package dev.cadenza.stream.account;

import java.util.List;

/**
 * The routes of the API port served without credentials: the media-clock exchange (players sync
 * before they log in; docs/clock.md), the OpenSubsonic API, which authenticates by its own
 * parameters, the web player's page and files (docs/web.md), and its login ({@code POST
 * /api/v1/auth/session}). Everything else needs a user (docs/auth.md). The actuator endpoints
 * (probes, info, metrics) are not on the API port at all but on the management port, which is read
 * without credentials and never routed outside the pod ({@link
 * dev.cadenza.stream.management.ManagementPort}).
 */
public final class PublicRoutes {

  /** Exact paths and, ending in {@code /**}, path prefixes. */
  static final List<String> PATHS =
      List.of("/api/v1/time", "/rest", "/rest/**", "/", "/app/**", "/favicon.ico");

  /** The web login: public for POST only (its GET and DELETE need the session). */
  static final String LOGIN = "/api/v1/auth/session";

  private PublicRoutes() {}

  /** Whether {@code method} on {@code path} (no query) is served without credentials. */
  public static boolean isPublic(String method, String path) {
    return isPublic(path) || (method.equals("POST") && path.equals(LOGIN));
  }

  /** Whether {@code path} (no query) is served without credentials, whatever the method. */
  public static boolean isPublic(String path) {
    for (String p : PATHS) {
      if (p.endsWith("/**")) {
        if (path.startsWith(p.substring(0, p.length() - 2))) {
          return true;
        }
      } else if (path.equals(p)) {
        return true;
      }
    }
    return false;
  }
}
