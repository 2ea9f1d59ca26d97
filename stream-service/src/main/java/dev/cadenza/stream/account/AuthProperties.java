package dev.cadenza.stream.account;

import java.time.Duration;
import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Authentication settings ({@code cadenza.auth.*}, docs/auth.md). No method here, {@link
 * #toString()} included, shows the admin password or the secret key.
 *
 * @param enabled {@code false} serves every request as an anonymous admin: only for trusted
 *     networks and tests (a WARN at start says so)
 * @param admin the first admin, created at start if missing
 * @param secretKey base64 of at least 32 random bytes: encrypts the Subsonic secrets. Unset, the
 *     single-process default generates one in {@code <data dir>/secret.key}; pods sharing DynamoDB
 *     must all be given the same
 * @param failedLogins limits on failed logins, per pod
 * @param verifiedCacheTtl how long a verified password, API key or web session is remembered (in
 *     memory, per pod) so that per-request authentication costs an HMAC, not an Argon2 hash or a
 *     store read
 * @param webSession the browser's login sessions (a cookie)
 */
@ConfigurationProperties("cadenza.auth")
public record AuthProperties(
    @DefaultValue("true") boolean enabled,
    @DefaultValue Admin admin,
    String secretKey,
    @DefaultValue FailedLogins failedLogins,
    @DefaultValue("1m") Duration verifiedCacheTtl,
    @DefaultValue WebSession webSession) {

  /** Fewest bytes of a secret key. */
  static final int MIN_SECRET_KEY_BYTES = 32;

  public AuthProperties {
    if (secretKey != null && secretKey.isBlank()) {
      secretKey = null;
    }
    if (secretKey != null) {
      decodeSecretKey("cadenza.auth.secret-key", secretKey);
    }
    if (verifiedCacheTtl.isNegative()) {
      throw new IllegalArgumentException(
          "cadenza.auth.verified-cache-ttl: must not be negative, got " + verifiedCacheTtl);
    }
  }

  /** The secret key's bytes; {@code IllegalArgumentException} naming {@code source} otherwise. */
  static byte[] decodeSecretKey(String source, String base64) {
    byte[] key;
    try {
      key = Base64.getMimeDecoder().decode(base64.strip().replace('-', '+').replace('_', '/'));
    } catch (IllegalArgumentException e) {
      // the value itself is never quoted
      throw new IllegalArgumentException(
          source + ": is not base64; give base64 of 32 random bytes (openssl rand -base64 32)");
    }
    if (key.length < MIN_SECRET_KEY_BYTES) {
      throw new IllegalArgumentException(
          source
              + ": holds "
              + key.length
              + " bytes, at least "
              + MIN_SECRET_KEY_BYTES
              + " are needed (openssl rand -base64 32)");
    }
    return key;
  }

  @Override
  public String toString() {
    return "AuthProperties[enabled="
        + enabled
        + ", admin="
        + admin
        + ", secretKey="
        + (secretKey == null ? "unset" : "set")
        + ", failedLogins="
        + failedLogins
        + ", verifiedCacheTtl="
        + verifiedCacheTtl
        + ", webSession="
        + webSession
        + "]";
  }

  /**
   * The web player's login sessions ({@code POST /api/v1/auth/session}, docs/auth.md): a session
   * ends after {@code idleTimeout} without a request, and {@code absoluteTimeout} after its login
   * whatever happens.
   */
  public record WebSession(
      @DefaultValue("14d") Duration idleTimeout, @DefaultValue("90d") Duration absoluteTimeout) {
    public WebSession {
      if (idleTimeout.compareTo(Duration.ofMinutes(1)) < 0
          || absoluteTimeout.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException(
            "cadenza.auth.web-session.idle-timeout and absolute-timeout: must be at least 1m, got "
                + idleTimeout
                + " and "
                + absoluteTimeout);
      }
      if (absoluteTimeout.compareTo(idleTimeout) < 0) {
        throw new IllegalArgumentException(
            "cadenza.auth.web-session.absolute-timeout: must be at least idle-timeout ("
                + idleTimeout
                + "), got "
                + absoluteTimeout);
      }
    }
  }

  /**
   * The first admin.
   *
   * @param username its login name
   * @param password its password; unset, a generated one is logged once, when the admin is created.
   *     Set and different from the stored one, the stored one is replaced at start
   */
  public record Admin(@DefaultValue("admin") String username, String password) {
    public Admin {
      if (!Usernames.valid(username)) {
        throw new IllegalArgumentException(
            "cadenza.auth.admin.username: " + Usernames.RULE + ", got '" + username + "'");
      }
      if (password != null && password.isEmpty()) {
        password = null;
      }
      if (password != null && password.length() < Passwords.MIN_LENGTH) {
        throw new IllegalArgumentException(
            "cadenza.auth.admin.password: must have at least "
                + Passwords.MIN_LENGTH
                + " characters, got "
                + password.length());
      }
    }

    @Override
    public String toString() {
      return "Admin[username="
          + username
          + ", password="
          + (password == null ? "unset" : "set")
          + "]";
    }
  }

  /**
   * Failed-login limits, kept in memory per pod: after {@code maxFailures} failures for one
   * username (or {@code maxFailuresPerAddress} from one client address) within {@code window},
   * logins for it are refused for {@code lockout}, doubled at each further lockout up to {@code
   * maxLockout}.
   */
  public record FailedLogins(
      @DefaultValue("5") int maxFailures,
      @DefaultValue("20") int maxFailuresPerAddress,
      @DefaultValue("5m") Duration window,
      @DefaultValue("30s") Duration lockout,
      @DefaultValue("15m") Duration maxLockout) {
    public FailedLogins {
      if (maxFailures < 1 || maxFailuresPerAddress < 1) {
        throw new IllegalArgumentException(
            "cadenza.auth.failed-logins.max-failures and max-failures-per-address: must be at"
                + " least 1, got "
                + maxFailures
                + " and "
                + maxFailuresPerAddress);
      }
      for (Duration d : new Duration[] {window, lockout, maxLockout}) {
        if (d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException(
              "cadenza.auth.failed-logins.window, lockout and max-lockout: must be positive, got "
                  + d);
        }
      }
      if (maxLockout.compareTo(lockout) < 0) {
        throw new IllegalArgumentException(
            "cadenza.auth.failed-logins.max-lockout: must be at least lockout ("
                + lockout
                + "), got "
                + maxLockout);
      }
    }
  }
}
