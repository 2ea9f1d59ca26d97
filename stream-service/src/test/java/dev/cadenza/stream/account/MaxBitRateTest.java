package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.store.EmbeddedItemStore;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A user's maximum bit rate: stored on the profile (old profiles read as no limit), changed under
 * the version like every other field, and carried on the {@link Listener} of every credential.
 */
class MaxBitRateTest {

  static final String ADDRESS = "192.0.2.7";

  @TempDir Path data;
  Accounts accounts;
  User ann;

  @BeforeEach
  void create() {
    accounts = new Accounts(data);
    ann = accounts.users.create("ann", "ann-password", Role.USER, 0).block();
  }

  @AfterEach
  void close() {
    accounts.close();
  }

  private int limit(String username) {
    return accounts.users.find(username).block().orElseThrow().maxBitRate();
  }

  private void setLimit(String username, int kbps) {
    accounts.users.update(username, new Users.Change(null, null, null, kbps)).block();
  }

  @Test
  void theLimitIsNoneOrARateFrom32To1411() {
    assertThat(MaxBitRates.valid(0)).isTrue();
    assertThat(MaxBitRates.valid(32)).isTrue();
    assertThat(MaxBitRates.valid(1411)).isTrue();
    assertThat(MaxBitRates.valid(31)).isFalse();
    assertThat(MaxBitRates.valid(1412)).isFalse();
    assertThat(MaxBitRates.valid(-1)).isFalse();
  }

  @Test
  void aNewUserHasNoLimitUnlessOneIsGiven() {
    assertThat(ann.maxBitRate()).isZero();
    assertThat(limit("ann")).isZero();
    accounts.users.create("ben", "ben-password", Role.USER, 256).block();
    assertThat(limit("ben")).isEqualTo(256);
  }

  @Test
  void aProfileWrittenBeforeTheLimitExistedReadsAsNoLimit() {
    setLimit("ann", 128);
    Item stored = accounts.store.get(User.partition(ann.id()), User.PROFILE).block().orElseThrow();
    Map<String, String> old = new HashMap<>(stored.attributes());
    assertThat(old.remove("maxBitRate")).isEqualTo("128");
    accounts
        .store
        .put(Item.of(stored.pk(), stored.sk(), old), stored.version())
        .block()
        .orElseThrow();

    assertThat(limit("ann")).isZero();
    assertThat(accounts.authenticator.password("ann", "ann-password", ADDRESS).block().maxBitRate())
        .isZero();
    // and the old profile takes a limit like any other
    setLimit("ann", 96);
    assertThat(limit("ann")).isEqualTo(96);
  }

  @Test
  void theLimitSurvivesARoundTripThroughTheEmbeddedStore() {
    User limited = ann.withMaxBitRate(320);
    try (EmbeddedItemStore store = EmbeddedItemStore.open(data.resolve("embedded"))) {
      store.put(limited.item(), ItemStore.ABSENT).block().orElseThrow();
      Item read = store.get(User.partition(ann.id()), User.PROFILE).block().orElseThrow();
      assertThat(User.of(ann.id(), read)).isEqualTo(limited.withVersion(read.version()));
    }
  }

  /**
   * Another pod disables ann between this update's read and its write: the write, conditional on
   * the version read, fails; the update reads again and keeps both changes.
   */
  @Test
  void aLimitWrittenUnderAConcurrentChangeKeepsBoth() {
    AtomicBoolean interfered = new AtomicBoolean();
    ItemStore racing =
        new Delegating(accounts.store) {
          @Override
          public Mono<Optional<Item>> put(Item item, long expectedVersion) {
            if (item.pk().equals(User.partition(ann.id())) && !interfered.getAndSet(true)) {
              return accounts
                  .users
                  .update("ann", new Users.Change(null, null, true, null))
                  .then(super.put(item, expectedVersion));
            }
            return super.put(item, expectedVersion);
          }
        };
    Users users =
        new Users(
            racing,
            accounts.hashing,
            accounts.secrets,
            accounts.verified,
            accounts.keys,
            List.of(accounts.sessionIndex),
            Clock.systemUTC());

    User updated = users.update("ann", new Users.Change(null, null, null, 192)).block();

    assertThat(interfered).isTrue();
    assertThat(updated.maxBitRate()).isEqualTo(192);
    assertThat(updated.disabled()).isTrue();
    User stored = accounts.users.find("ann").block().orElseThrow();
    assertThat(stored.maxBitRate()).isEqualTo(192);
    assertThat(stored.disabled()).isTrue();
    assertThat(stored.version()).isEqualTo(ann.version() + 2);
  }

  @Test
  void everyCredentialGivesAListenerWithTheLimit() throws Exception {
    setLimit("ann", 128);
    RequestAuthentication requests =
        new RequestAuthentication(true, accounts.authenticator, accounts.sessions);
    ApiKeys.Created key = accounts.keys.create(ann.id(), "phone").block();
    WebSessions.Opened session = accounts.sessions.open(ann.listener()).block();

    Listener basic =
        requests.authenticate(AccountHttp.basic("ann", "ann-password"), ADDRESS).block();
    Listener bearer = requests.authenticate(AccountHttp.bearer(key.key()), ADDRESS).block();
    Listener cookie =
        requests
            .authenticate(
                new RequestAuthentication.Presented(null, session.token(), false, null), ADDRESS)
            .block();
    Listener token =
        accounts
            .authenticator
            .token("ann", AccountAuthenticatorTest.md5Hex("ann-password" + "s1"), "s1", ADDRESS)
            .block();

    Listener expected = new Listener(ann.id(), "ann", Role.USER, 128);
    assertThat(basic).isEqualTo(expected);
    assertThat(bearer).isEqualTo(expected);
    assertThat(cookie).isEqualTo(expected);
    assertThat(token).isEqualTo(expected);
  }

  /** Other pods take up to {@code verified-cache-ttl} (docs/auth.md); this one forgets at once. */
  @Test
  void aChangedLimitReachesCredentialsThisPodRemembersAtOnce() throws Exception {
    RequestAuthentication requests =
        new RequestAuthentication(true, accounts.authenticator, accounts.sessions);
    String basic = AccountHttp.basic("ann", "ann-password");
    ApiKeys.Created key = accounts.keys.create(ann.id(), "phone").block();
    String token = AccountAuthenticatorTest.md5Hex("ann-password" + "s1");
    assertThat(requests.authenticate(basic, ADDRESS).block().maxBitRate()).isZero();
    assertThat(requests.authenticate(AccountHttp.bearer(key.key()), ADDRESS).block().maxBitRate())
        .isZero();
    assertThat(accounts.authenticator.token("ann", token, "s1", ADDRESS).block().maxBitRate())
        .isZero();

    setLimit("ann", 64);

    assertThat(requests.authenticate(basic, ADDRESS).block().maxBitRate()).isEqualTo(64);
    assertThat(requests.authenticate(AccountHttp.bearer(key.key()), ADDRESS).block().maxBitRate())
        .isEqualTo(64);
    assertThat(accounts.authenticator.token("ann", token, "s1", ADDRESS).block().maxBitRate())
        .isEqualTo(64);
  }

  @Test
  void authenticationOffHasNoLimit() {
    assertThat(RequestAuthentication.ANONYMOUS_ADMIN.maxBitRate()).isZero();
  }

  /** An {@link ItemStore} that passes every call on, for a test to change one. */
  private static class Delegating implements ItemStore {
    private final ItemStore store;

    Delegating(ItemStore store) {
      this.store = store;
    }

    @Override
    public Mono<Optional<Item>> get(String pk, String sk) {
      return store.get(pk, sk);
    }

    @Override
    public Flux<Item> query(String pk, String skPrefix, String exclusiveStartSk, int limit) {
      return store.query(pk, skPrefix, exclusiveStartSk, limit);
    }

    @Override
    public Mono<Optional<Item>> put(Item item, long expectedVersion) {
      return store.put(item, expectedVersion);
    }

    @Override
    public Mono<Boolean> delete(String pk, String sk, long expectedVersion) {
      return store.delete(pk, sk, expectedVersion);
    }

    @Override
    public boolean shared() {
      return store.shared();
    }
  }
}
