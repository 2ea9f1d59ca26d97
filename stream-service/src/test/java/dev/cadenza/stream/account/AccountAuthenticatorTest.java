package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.stream.account.Authenticator.Reason;
import dev.cadenza.stream.account.Authenticator.Refused;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.web.ErrorResponseException;

class AccountAuthenticatorTest {

  static final String ADDRESS = "192.0.2.1";

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

  static String md5Hex(String s) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
  }

  Reason refusal(reactor.core.publisher.Mono<Listener> attempt) {
    try {
      attempt.block();
      throw new AssertionError("accepted");
    } catch (Refused r) {
      return r.reason();
    }
  }

  @Test
  void aPasswordIsCheckedOnceThenRememberedWithoutAStoreRead() {
    Listener l = accounts.authenticator.password("ANN", "ann-password", ADDRESS).block();
    assertThat(l).isEqualTo(new Listener(ann.id(), "ann", Role.USER, 0));
    int reads = accounts.store.reads.get();
    assertThat(accounts.authenticator.password("ann", "ann-password", ADDRESS).block())
        .isEqualTo(l);
    assertThat(accounts.store.reads.get()).isEqualTo(reads);
    assertThat(refusal(accounts.authenticator.password("ann", "wrong-password", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
    assertThat(refusal(accounts.authenticator.password("nobody", "ann-password", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
  }

  @Test
  void subsonicTokenAuthChecksMd5OfThePasswordAndSalt() throws Exception {
    String token = md5Hex("ann-password" + "c19b2d");
    assertThat(accounts.authenticator.token("ann", token, "c19b2d", ADDRESS).block().id())
        .isEqualTo(ann.id());
    assertThat(accounts.authenticator.token("ann", token.toUpperCase(), "c19b2d", ADDRESS).block())
        .isNotNull();
    assertThat(refusal(accounts.authenticator.token("ann", token, "other-salt", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
    assertThat(refusal(accounts.authenticator.token("nobody", token, "c19b2d", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
  }

  /** Also when a token was verified before: the change forgets the user remembered for it. */
  @Test
  void aTokenStillWorksAfterAPasswordChangeWithTheNewPassword() throws Exception {
    assertThat(
            accounts
                .authenticator
                .token("ann", md5Hex("ann-password" + "s0"), "s0", ADDRESS)
                .block())
        .isNotNull();
    accounts.users.update("ann", Users.Change.password("new-ann-password")).block();
    assertThat(
            refusal(
                accounts.authenticator.token("ann", md5Hex("ann-password" + "s1"), "s1", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
    assertThat(
            accounts
                .authenticator
                .token("ann", md5Hex("new-ann-password" + "s1"), "s1", ADDRESS)
                .block())
        .isNotNull();
    accounts.users.update("ann", new Users.Change(null, null, true, null)).block();
    assertThat(
            refusal(
                accounts.authenticator.token(
                    "ann", md5Hex("new-ann-password" + "s2"), "s2", ADDRESS)))
        .isEqualTo(Reason.DISABLED);
  }

  @Test
  void aVerifiedTokenUserIsRememberedSoAFreshSaltNeedsNoStoreRead() throws Exception {
    assertThat(
            accounts
                .authenticator
                .token("ann", md5Hex("ann-password" + "s1"), "s1", ADDRESS)
                .block())
        .isEqualTo(new Listener(ann.id(), "ann", Role.USER, 0));
    int reads = accounts.store.reads.get();

    assertThat(
            accounts
                .authenticator
                .token("ANN", md5Hex("ann-password" + "s2"), "s2", ADDRESS)
                .block())
        .isEqualTo(new Listener(ann.id(), "ann", Role.USER, 0));
    assertThat(accounts.store.reads.get()).isEqualTo(reads);
    // a wrong token is not answered from what is remembered: checked, and refused
    assertThat(refusal(accounts.authenticator.token("ann", md5Hex("wrong" + "s3"), "s3", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
  }

  @Test
  void aSecretSealedUnderAnotherKeyRefusesTokensButNotPasswords() throws Exception {
    try (Accounts other = new Accounts(data)) {
      // the same user item, read by a service with another secret key
      accounts
          .store
          .items
          .query("user#" + ann.id(), "", null, 10)
          .toIterable()
          .forEach(i -> other.store.items.put(i, -1).block());
      accounts
          .store
          .items
          .query("usernames", "", null, 10)
          .toIterable()
          .forEach(i -> other.store.items.put(i, -1).block());
      assertThat(
              refusal(other.authenticator.token("ann", md5Hex("ann-password" + "s"), "s", ADDRESS)))
          .isEqualTo(Reason.TOKEN_NOT_SUPPORTED);
      assertThat(other.authenticator.password("ann", "ann-password", ADDRESS).block()).isNotNull();
    }
  }

  @Test
  void aDisabledUserIsToldSoOnlyWithTheRightPassword() {
    accounts.users.update("ann", new Users.Change(null, null, true, null)).block();
    assertThat(refusal(accounts.authenticator.password("ann", "ann-password", ADDRESS)))
        .isEqualTo(Reason.DISABLED);
    assertThat(refusal(accounts.authenticator.password("ann", "wrong-password", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
  }

  @Test
  void anApiKeyFindsItsUserAndStopsWorkingWhenRevoked() {
    ApiKeys.Created key = accounts.keys.create(ann.id(), "phone").block();
    assertThat(accounts.authenticator.apiKey(key.key(), ADDRESS).block().id()).isEqualTo(ann.id());
    accounts.keys.revoke(ann.id(), key.info().id()).block();
    assertThat(refusal(accounts.authenticator.apiKey(key.key(), ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
    assertThat(refusal(accounts.authenticator.apiKey("cdz_made-up", ADDRESS)))
        .isEqualTo(Reason.WRONG_CREDENTIALS);
  }

  @Test
  void anUnreachableStoreIsA503NotARefusal() {
    accounts.store.unreachable = true;
    RequestAuthentication requests =
        new RequestAuthentication(true, accounts.authenticator, accounts.sessions);
    assertThatThrownBy(
            () ->
                requests.authenticate(AccountHttp.basic("ann", "other-password"), ADDRESS).block())
        .isInstanceOfSatisfying(
            ErrorResponseException.class,
            e -> {
              assertThat(e.getStatusCode().value()).isEqualTo(503);
              assertThat(e.getHeaders().getFirst("Retry-After")).isEqualTo("2");
            });
  }

  @Test
  void withAuthenticationOffEveryRequestIsTheAnonymousAdmin() {
    RequestAuthentication off =
        new RequestAuthentication(false, accounts.authenticator, accounts.sessions);
    assertThat(off.authenticate((String) null, ADDRESS).block())
        .isEqualTo(RequestAuthentication.ANONYMOUS_ADMIN);
    assertThat(RequestAuthentication.ANONYMOUS_ADMIN.admin()).isTrue();
  }
}
