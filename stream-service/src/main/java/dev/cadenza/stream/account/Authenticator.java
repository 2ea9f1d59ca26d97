package dev.cadenza.stream.account;

import reactor.core.publisher.Mono;

/**
 * Checks credentials, for the native API's filter and the OpenSubsonic API alike. Every method
 * completes with the listener, or fails with {@link Refused}; failures are counted per user and per
 * client address and refused without checking once a limit is reached. Nothing here logs a
 * password, token, salt or key.
 */
public interface Authenticator {

  /** Username and password (Subsonic {@code u}+{@code p}, HTTP Basic). */
  Mono<Listener> password(String username, String password, String clientAddress);

  /**
   * Subsonic token authentication: {@code token} is md5(password + salt) in lower-case hex, checked
   * against the user's recoverable Subsonic secret.
   */
  Mono<Listener> token(String username, String token, String salt, String clientAddress);

  /** An API key (native {@code Authorization: Bearer}, OpenSubsonic {@code apiKey}). */
  Mono<Listener> apiKey(String key, String clientAddress);

  /** Why credentials were refused. The message never quotes a credential. */
  enum Reason {
    /** Unknown user, wrong password, token or key, revoked key: indistinguishable to the client. */
    WRONG_CREDENTIALS,
    /** The user is disabled. */
    DISABLED,
    /** Too many failures from this user or address: try again after the given delay. */
    RATE_LIMITED,
    /** Token authentication for a user who has no Subsonic secret (e.g. created before one). */
    TOKEN_NOT_SUPPORTED
  }

  final class Refused extends RuntimeException {
    private final Reason reason;
    private final long retryAfterSeconds;

    public Refused(Reason reason, long retryAfterSeconds) {
      super(reason.name(), null, false, false);
      this.reason = reason;
      this.retryAfterSeconds = retryAfterSeconds;
    }

    public Refused(Reason reason) {
      this(reason, 0);
    }

    public Reason reason() {
      return reason;
    }

    /** Seconds before a retry can succeed, for {@link Reason#RATE_LIMITED}; else 0. */
    public long retryAfterSeconds() {
      return retryAfterSeconds;
    }
  }
}
