package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The native API's credentials, {@code Authorization: Bearer <API key>} or {@code Basic
 * <base64(username:password)>}, checked by the {@link Authenticator}, or else the web player's
 * session cookie, checked by the {@link WebSessions}; shared by the web filter and the routes
 * Reactor Netty serves. A request that changes something (not GET, HEAD or OPTIONS) on the cookie
 * alone must carry the session's CSRF token in {@code X-Cadenza-CSRF}: a browser sends the cookie
 * with whatever a page asks, the header only when our page writes it. Fails with the problem to
 * answer (401, 403, 429 or 503). With authentication off, every request is {@link
 * #ANONYMOUS_ADMIN}.
 */
public final class RequestAuthentication {

  private static final Logger log = LoggerFactory.getLogger(RequestAuthentication.class);

  /** Who every request acts as when {@code cadenza.auth.enabled=false}. */
  public static final Listener ANONYMOUS_ADMIN =
      new Listener("anonymous", "anonymous", Role.ADMIN, MaxBitRates.NO_LIMIT);

  private final boolean enabled;
  private final Authenticator authenticator;

  private final WebSessions sessions;

  RequestAuthentication(boolean enabled, Authenticator authenticator, WebSessions sessions) {
    this.enabled = enabled;
    this.authenticator = authenticator;
    this.sessions = sessions;
  }

  /**
   * What a request presents.
   *
   * @param authorization the {@code Authorization} header, or null
   * @param sessionToken the session cookie's value, or null
   * @param changes whether the method changes something (not GET, HEAD or OPTIONS)
   * @param csrfToken the {@code X-Cadenza-CSRF} header, or null
   */
  record Presented(String authorization, String sessionToken, boolean changes, String csrfToken) {

    static boolean changes(String method) {
      return !(method.equals("GET") || method.equals("HEAD") || method.equals("OPTIONS"));
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** The listener the {@code Authorization} header (may be null) names. */
  public Mono<Listener> authenticate(String authorization, String clientAddress) {
    return authenticate(new Presented(authorization, null, false, null), clientAddress);
  }

  /**
   * The listener the request's {@code Authorization} header names or, without one, its session
   * cookie.
   */
  Mono<Listener> authenticate(Presented presented, String clientAddress) {
    if (!enabled) {
      return Mono.just(ANONYMOUS_ADMIN);
    }
    boolean noHeader = presented.authorization() == null || presented.authorization().isBlank();
    if (noHeader && presented.sessionToken() != null) {
      return session(presented);
    }
    return Mono.defer(() -> check(presented.authorization(), clientAddress))
        .onErrorMap(Authenticator.Refused.class, AccountProblems::refused)
        .onErrorMap(PasswordHashing.Busy.class, e -> AccountProblems.busy())
        .onErrorMap(
            ItemStore.Unavailable.class,
            e -> {
              log.warn("Cannot authenticate a request: {}", e.getMessage());
              return AccountProblems.unavailable();
            });
  }

  private Mono<Listener> session(Presented presented) {
    if (presented.changes()) {
      if (presented.csrfToken() == null || presented.csrfToken().isBlank()) {
        return Mono.error(AccountProblems.csrfTokenMissing());
      }
      if (!WebSessions.csrfMatches(presented.sessionToken(), presented.csrfToken().strip())) {
        return Mono.error(AccountProblems.csrfTokenMismatch());
      }
    }
    return sessions
        .listener(presented.sessionToken())
        .flatMap(l -> l.map(Mono::just).orElseGet(() -> Mono.error(AccountProblems.sessionEnded())))
        .onErrorMap(
            ItemStore.Unavailable.class,
            e -> {
              log.warn("Cannot check a web session: {}", e.getMessage());
              return AccountProblems.unavailable();
            });
  }

  private Mono<Listener> check(String authorization, String address) {
    if (authorization == null || authorization.isBlank()) {
      return Mono.error(AccountProblems.credentialsRequired());
    }
    String value = authorization.strip();
    int space = value.indexOf(' ');
    String scheme = space < 0 ? value : value.substring(0, space);
    String credentials = space < 0 ? "" : value.substring(space + 1).strip();
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "bearer" ->
          credentials.isEmpty()
              ? Mono.error(AccountProblems.malformedCredentials("The Bearer token is empty."))
              : authenticator.apiKey(credentials, address);
      case "basic" -> basic(credentials, address);
      default ->
          Mono.error(
              AccountProblems.malformedCredentials(
                  "Authorization scheme '"
                      + (scheme.length() > 20 ? scheme.substring(0, 20) + "..." : scheme)
                      + "' is not accepted; use Bearer or Basic."));
    };
  }

  private Mono<Listener> basic(String credentials, String address) {
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(credentials), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return Mono.error(
          AccountProblems.malformedCredentials("The Basic credentials are not base64."));
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return Mono.error(
          AccountProblems.malformedCredentials(
              "The Basic credentials must be base64 of username:password."));
    }
    return authenticator.password(
        decoded.substring(0, colon), decoded.substring(colon + 1), address);
  }
}
