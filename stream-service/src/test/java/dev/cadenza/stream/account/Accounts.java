package dev.cadenza.stream.account;

import dev.cadenza.stream.store.DataProperties;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/** The account services over one store, wired as {@link AccountConfiguration} wires them. */
final class Accounts implements AutoCloseable {

  final StoreDoubles.Counting store = new StoreDoubles.Counting();
  final PasswordHashing hashing = new PasswordHashing(2);
  final VerifiedCredentials verified;
  final SubsonicSecrets secrets;
  final ApiKeys keys;
  final WebSessionIndex sessionIndex;
  final Users users;
  final AccountAuthenticator authenticator;
  final WebSessions sessions;

  Accounts(Path data, AuthProperties settings) {
    verified = new VerifiedCredentials(settings.verifiedCacheTtl());
    secrets = new SubsonicSecrets(settings, new DataProperties(data), store);
    keys = new ApiKeys(store, verified, Clock.systemUTC());
    sessionIndex = new WebSessionIndex(store);
    users =
        new Users(
            store, hashing, secrets, verified, keys, List.of(sessionIndex), Clock.systemUTC());
    authenticator =
        new AccountAuthenticator(
            users,
            keys,
            hashing,
            secrets,
            verified,
            new FailedLogins(settings.failedLogins(), System::nanoTime));
    sessions =
        new WebSessions(
            store, users, sessionIndex, verified, settings.webSession(), Clock.systemUTC());
  }

  Accounts(Path data) {
    this(data, SubsonicSecretsTest.settings(AccountTestApp.secretKey()));
  }

  @Override
  public void close() {
    hashing.close();
  }
}
