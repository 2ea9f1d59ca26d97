package dev.cadenza.stream.account;

import java.util.List;

/**
 * The routes of the API port served without credentials: the media-clock exchange (players sync
 * before they log in; docs/clock.md) and the OpenSubsonic API, which authenticates by its own
 * parameters. Everything else needs a user (docs/auth.md). The actuator endpoints (probes, info,
 * metrics) are not on the API port at all but on the management port, which is read without
 * credentials and never routed outside the pod ({@link
 * dev.cadenza.stream.management.ManagementPort}).
 */
public final class PublicRoutes {

  /** Exact paths and, ending in {@code /**}, path prefixes. */
  static final List<String> PATHS = List.of("/api/v1/time", "/rest", "/rest/**");

  private PublicRoutes() {}

  /** Whether {@code path} (no query) is served without credentials. */
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
