package dev.cadenza.stream.account;

import org.springframework.web.server.ServerWebExchange;

/**
 * The authenticated user a request acts for. The authentication filter puts it in the exchange's
 * attributes under {@link #ATTRIBUTE}; controllers take it as a parameter of this type (resolved
 * from there) and never parse credentials themselves.
 *
 * @param id stable user id (survives a rename); keys of the user's data
 * @param username login name
 * @param role what the user may do
 * @param maxBitRate the most kbit/s this user's streams may take, 0 for no limit: set by an admin
 *     on the user (docs/auth.md); a change reaches requests on other pods within {@code
 *     cadenza.auth.verified-cache-ttl}
 */
public record Listener(String id, String username, Role role, int maxBitRate) {

  /** The exchange attribute that holds the request's {@code Listener}. */
  public static final String ATTRIBUTE = Listener.class.getName();

  public boolean admin() {
    return role == Role.ADMIN;
  }

  /** The request's listener, or null on a public route. */
  public static Listener of(ServerWebExchange exchange) {
    return exchange.getAttribute(ATTRIBUTE);
  }
}
