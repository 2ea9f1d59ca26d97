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
 * <base64(username:password)>}, checked by the {@link Authenticator}; shared by the web filter and
 * the routes Reactor Netty serves. Fails with the problem to answer (401, 403, 429 or 503). With
 * authentication off, every request is {@link #ANONYMOUS_ADMIN}.
 */
public final class RequestAuthentication {

  private static final Logger log = LoggerFactory.getLogger(RequestAuthentication.class);

  /** Who every request acts as when {@code cadenza.auth.enabled=false}. */
  public static final Listener ANONYMOUS_ADMIN = new Listener("anonymous", "anonymous", Role.ADMIN);

  private final boolean enabled;
  private final Authenticator authenticator;

  RequestAuthentication(boolean enabled, Authenticator authenticator) {
    this.enabled = enabled;
    this.authenticator = authenticator;
  }

  public boolean enabled() {
    return enabled;
  }

  /** The listener the {@code Authorization} header (may be null) names. */
  public Mono<Listener> authenticate(String authorization, String clientAddress) {
    if (!enabled) {
      return Mono.just(ANONYMOUS_ADMIN);
    }
    return Mono.defer(() -> check(authorization, clientAddress))
        .onErrorMap(Authenticator.Refused.class, AccountProblems::refused)
        .onErrorMap(PasswordHashing.Busy.class, e -> AccountProblems.busy())
        .onErrorMap(
            ItemStore.Unavailable.class,
            e -> {
              log.warn("Cannot authenticate a request: {}", e.getMessage());
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
