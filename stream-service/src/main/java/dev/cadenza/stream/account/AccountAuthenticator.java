package dev.cadenza.stream.account;

import dev.cadenza.stream.account.Authenticator.Reason;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;
import reactor.core.publisher.Mono;

/**
 * Checks credentials against the {@link Users} and {@link ApiKeys}. An unknown user costs what a
 * known one does (a password is checked against a dummy hash, a token against a dummy secret), so
 * timing does not tell which usernames exist; every refusal of wrong credentials counts in {@link
 * FailedLogins}, and a verified password or key is remembered in {@link VerifiedCredentials}.
 */
final class AccountAuthenticator implements Authenticator {

  private final Users users;
  private final ApiKeys keys;
  private final PasswordHashing hashing;
  private final SubsonicSecrets secrets;
  private final VerifiedCredentials verified;
  private final FailedLogins failures;
  private final String dummySecret = Passwords.generate();

  AccountAuthenticator(
      Users users,
      ApiKeys keys,
      PasswordHashing hashing,
      SubsonicSecrets secrets,
      VerifiedCredentials verified,
      FailedLogins failures) {
    this.users = users;
    this.keys = keys;
    this.hashing = hashing;
    this.secrets = secrets;
    this.verified = verified;
    this.failures = failures;
  }

  @Override
  public Mono<Listener> password(String username, String password, String clientAddress) {
    return Mono.defer(
        () -> {
          String cacheKey = verified.keyOf("password", Usernames.key(username), password);
          Optional<Listener> known = verified.get(cacheKey);
          if (known.isPresent()) {
            return Mono.just(known.get());
          }
          failures.check(username, clientAddress);
          long generation = verified.generation();
          return users
              .find(username)
              .flatMap(
                  found ->
                      found.isEmpty()
                          ? hashing.matchesNothing(password).map(ignored -> Optional.<User>empty())
                          : hashing
                              .matches(password, found.get().passwordHash())
                              .map(ok -> ok ? found : Optional.<User>empty()))
              .map(match -> accept(match, username, clientAddress))
              .doOnNext(l -> verified.put(cacheKey, l, generation))
              .onErrorMap(PasswordHashing.Busy.class, e -> new Refused(Reason.RATE_LIMITED, 1));
        });
  }

  @Override
  public Mono<Listener> token(String username, String token, String salt, String clientAddress) {
    return Mono.defer(
        () -> {
          // a user whose token was verified recently: their secret, without a store read; a
          // token that does not match it takes the full path below (and counts as a failure)
          String cacheKey = verified.keyOf("token-user", Usernames.key(username));
          Optional<User> known = verified.tokenUser(cacheKey);
          if (known.isPresent() && tokenMatches(token, openSecret(known.get()), salt)) {
            return Mono.just(known.get().listener());
          }
          failures.check(username, clientAddress);
          long generation = verified.generation();
          return users
              .find(username)
              .map(
                  found -> {
                    if (found.isPresent() && found.get().subsonicSecret() == null) {
                      throw new Refused(Reason.TOKEN_NOT_SUPPORTED);
                    }
                    String secret = found.map(u -> openSecret(u)).orElse(dummySecret);
                    boolean ok = tokenMatches(token, secret, salt) && found.isPresent();
                    Listener listener =
                        accept(ok ? found : Optional.empty(), username, clientAddress);
                    verified.putTokenUser(cacheKey, found.get(), generation);
                    return listener;
                  });
        });
  }

  private String openSecret(User user) {
    try {
      return secrets.open(user.id(), user.subsonicSecret());
    } catch (IllegalArgumentException e) {
      // sealed under another secret key: only password auth works until the password is set again
      throw new Refused(Reason.TOKEN_NOT_SUPPORTED);
    }
  }

  @Override
  public Mono<Listener> apiKey(String key, String clientAddress) {
    return Mono.defer(
        () -> {
          String cacheKey = verified.keyOf("key", key);
          Optional<Listener> known = verified.get(cacheKey);
          if (known.isPresent()) {
            return Mono.just(known.get());
          }
          failures.check(null, clientAddress);
          long generation = verified.generation();
          return keys.owner(key)
              .flatMap(
                  owner -> {
                    if (owner.isEmpty()) {
                      return Mono.just(accept(Optional.empty(), null, clientAddress));
                    }
                    return users
                        .byId(owner.get().userId())
                        .map(user -> accept(user, null, clientAddress))
                        .flatMap(l -> keys.used(owner.get()).thenReturn(l));
                  })
              .doOnNext(l -> verified.put(cacheKey, l, generation));
        });
  }

  /** The user's listener if {@code match} holds a user and it is enabled; refused otherwise. */
  private Listener accept(Optional<User> match, String username, String clientAddress) {
    if (match.isEmpty()) {
      failures.failed(username, clientAddress);
      throw new Refused(Reason.WRONG_CREDENTIALS);
    }
    User user = match.get();
    if (user.disabled()) {
      throw new Refused(Reason.DISABLED);
    }
    failures.succeeded(user.username());
    return user.listener();
  }

  /** md5(secret + salt) in hex against {@code token}, in constant time. */
  static boolean tokenMatches(String token, String secret, String salt) {
    try {
      byte[] md5 =
          MessageDigest.getInstance("MD5").digest((secret + salt).getBytes(StandardCharsets.UTF_8));
      byte[] expected = HexFormat.of().formatHex(md5).getBytes(StandardCharsets.US_ASCII);
      byte[] given = token.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
      return MessageDigest.isEqual(expected, given);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("MD5 is not available", e);
    }
  }
}
