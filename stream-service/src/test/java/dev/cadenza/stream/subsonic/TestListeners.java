package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Authenticator;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.Role;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import reactor.core.publisher.Mono;

/**
 * An {@link Authenticator} with a few fixed listeners, for the OpenSubsonic tests until (and
 * regardless of) the real user accounts: {@code @Import(TestListeners.class)}. Primary, so it wins
 * over the service's own when both exist.
 */
@TestConfiguration(proxyBeanMethods = false)
public class TestListeners {

  public static final String USER = "alice";
  public static final String PASSWORD = "wonder land 42";
  public static final String API_KEY = "ak_alice_0123456789";

  public static final String ADMIN = "root";
  public static final String ADMIN_PASSWORD = "r00t!";

  /** Has a password but no Subsonic secret: token authentication is refused with reason 41. */
  public static final String NO_TOKEN = "bob";

  public static final String NO_TOKEN_PASSWORD = "bobs-password";

  /** Every attempt is refused as rate-limited. */
  public static final String LIMITED = "carol";

  private record Account(Listener listener, String password, boolean tokens) {}

  private static final Map<String, Account> ACCOUNTS =
      Map.of(
          USER, new Account(new Listener("u-alice", USER, Role.USER, 0), PASSWORD, true),
          ADMIN, new Account(new Listener("u-root", ADMIN, Role.ADMIN, 0), ADMIN_PASSWORD, true),
          NO_TOKEN,
              new Account(new Listener("u-bob", NO_TOKEN, Role.USER, 0), NO_TOKEN_PASSWORD, false));

  @Bean
  @Primary
  Authenticator testAuthenticator() {
    return new Authenticator() {
      @Override
      public Mono<Listener> password(String username, String password, String clientAddress) {
        if (LIMITED.equals(username)) {
          return Mono.error(new Refused(Reason.RATE_LIMITED, 30));
        }
        Account a = ACCOUNTS.get(username);
        return a != null && same(a.password(), password)
            ? Mono.just(a.listener())
            : Mono.error(new Refused(Reason.WRONG_CREDENTIALS));
      }

      @Override
      public Mono<Listener> token(
          String username, String token, String salt, String clientAddress) {
        Account a = ACCOUNTS.get(username);
        if (a == null) {
          return Mono.error(new Refused(Reason.WRONG_CREDENTIALS));
        }
        if (!a.tokens()) {
          return Mono.error(new Refused(Reason.TOKEN_NOT_SUPPORTED));
        }
        return same(md5(a.password() + salt), token)
            ? Mono.just(a.listener())
            : Mono.error(new Refused(Reason.WRONG_CREDENTIALS));
      }

      @Override
      public Mono<Listener> apiKey(String key, String clientAddress) {
        return same(API_KEY, key)
            ? Mono.just(ACCOUNTS.get(USER).listener())
            : Mono.error(new Refused(Reason.WRONG_CREDENTIALS));
      }
    };
  }

  private static boolean same(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }

  /** md5(text) in lower-case hex: a Subsonic token when text is password + salt. */
  public static String md5(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
