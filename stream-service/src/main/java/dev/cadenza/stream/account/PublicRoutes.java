package dev.cadenza.stream.account;

import java.util.List;

/**
 * The routes served without credentials: health probes (the kubelet has none), the media-clock
 * exchange (players sync before they log in; docs/clock.md), the OpenSubsonic API, which
 * authenticates by its own parameters, and, until they move to a management port of their own, the
 * two the cluster reads without credentials: {@code /actuator/info} (the operator's report of each
 * pod's clock and catalogue) and {@code /actuator/prometheus} (the scrape the pods' annotations
 * announce). Neither carries a credential, a user's data or a session id. Everything else needs a
 * user (docs/auth.md).
 */
public final class PublicRoutes {

  /** Exact paths and, ending in {@code /**}, path prefixes. */
  static final List<String> PATHS =
      List.of(
          "/actuator/health",
          "/actuator/health/**",
          "/actuator/info",
          "/actuator/prometheus",
          "/api/v1/time",
          "/rest",
          "/rest/**");

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
