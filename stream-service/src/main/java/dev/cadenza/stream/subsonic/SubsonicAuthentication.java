package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Authenticator;
import dev.cadenza.stream.account.Listener;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Authenticates an OpenSubsonic call from its parameters, through the {@link Authenticator}: {@code
 * u}+{@code p} (plain, or {@code enc:} and hex), {@code u}+{@code t}+{@code s} (token), or {@code
 * apiKey} (the {@code apiKeyAuthentication} extension). Two mechanisms at once ({@code apiKey} with
 * {@code u}, {@code p} with {@code t}) are error 43, as the extension says.
 *
 * <p>Without an {@code Authenticator} bean (a build without user accounts) every call fails with
 * error 0, "authentication is not configured": the API never serves anonymously.
 */
@Component
public class SubsonicAuthentication {

  private static final Logger log = LoggerFactory.getLogger(SubsonicAuthentication.class);

  private final ObjectProvider<Authenticator> authenticator;

  public SubsonicAuthentication(ObjectProvider<Authenticator> authenticator) {
    this.authenticator = authenticator;
  }

  /** The listener these parameters authenticate, or a {@link SubsonicError}. */
  public Mono<Listener> authenticate(SubsonicParams params, String clientAddress) {
    return Mono.defer(() -> check(params, clientAddress))
        .onErrorMap(Authenticator.Refused.class, e -> refused(e, params.has("apiKey")))
        .onErrorMap(
            e -> !(e instanceof SubsonicError),
            e -> {
              // a store that cannot be reached, say: the client may retry; no stack to the client
              log.warn("Authentication failed: {}", e.toString());
              return SubsonicError.generic("Authentication is unavailable right now; retry later");
            });
  }

  private Mono<Listener> check(SubsonicParams params, String clientAddress) {
    Authenticator checker = authenticator.getIfAvailable();
    if (checker == null) {
      throw SubsonicError.generic("Authentication is not configured on this server");
    }
    boolean password = params.has("p");
    boolean token = params.has("t") || params.has("s");
    if (params.has("apiKey")) {
      if (params.has("u") || password || token) {
        throw new SubsonicError(
            SubsonicError.CONFLICTING_MECHANISMS,
            "Multiple conflicting authentication mechanisms provided: apiKey goes alone");
      }
      return checker.apiKey(params.required("apiKey"), clientAddress);
    }
    if (!params.has("u")) {
      throw SubsonicError.missing("u (with p, or t and s), or apiKey");
    }
    String username = params.required("u");
    if (password && token) {
      throw new SubsonicError(
          SubsonicError.CONFLICTING_MECHANISMS,
          "Multiple conflicting authentication mechanisms provided: p, or t and s");
    }
    if (password) {
      return checker.password(username, decodePassword(params.required("p")), clientAddress);
    }
    if (token) {
      return checker.token(username, params.required("t"), params.required("s"), clientAddress);
    }
    throw SubsonicError.missing("p, or t and s");
  }

  /** {@code enc:} and the UTF-8 bytes in hex, as old clients send it; else the password itself. */
  static String decodePassword(String p) {
    if (!p.startsWith("enc:")) {
      return p;
    }
    try {
      return new String(HexFormat.of().parseHex(p.substring(4)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new SubsonicError(SubsonicError.WRONG_CREDENTIALS, "Wrong username or password");
    }
  }

  private static SubsonicError refused(Authenticator.Refused refused, boolean apiKey) {
    return switch (refused.reason()) {
      case RATE_LIMITED ->
          new SubsonicError(
              SubsonicError.WRONG_CREDENTIALS,
              "Too many failed attempts; retry in "
                  + Math.max(1, refused.retryAfterSeconds())
                  + " s");
      case TOKEN_NOT_SUPPORTED ->
          new SubsonicError(
              SubsonicError.TOKEN_NOT_SUPPORTED,
              "Token authentication is not supported for this user: use p or apiKey");
      case WRONG_CREDENTIALS, DISABLED ->
          apiKey
              ? new SubsonicError(SubsonicError.INVALID_API_KEY, "Invalid API key")
              : new SubsonicError(SubsonicError.WRONG_CREDENTIALS, "Wrong username or password");
    };
  }
}
