package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The warm-up's credential: once, from the loopback only, exactly, until revoked. */
class WarmUpKeyTest {

  static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 40000);

  @Test
  void admitsTheIssuedKeyAsBearerFromTheLoopback() {
    WarmUpKey key = new WarmUpKey();
    String token = key.issue();

    assertThat(key.admits("Bearer " + token, LOOPBACK)).isTrue();
    assertThat(key.admits("bearer  " + token + " ", LOOPBACK)).isTrue();
    assertThat(key.admits("Bearer " + token, new InetSocketAddress("::1", 40000))).isTrue();
  }

  @Test
  void refusesItFromAnyOtherPeer() {
    WarmUpKey key = new WarmUpKey();
    String token = key.issue();

    assertThat(key.admits("Bearer " + token, new InetSocketAddress("10.1.2.3", 40000))).isFalse();
    assertThat(key.admits("Bearer " + token, new InetSocketAddress("192.0.2.7", 40000))).isFalse();
    assertThat(key.admits("Bearer " + token, null)).isFalse();
  }

  @Test
  void refusesAnythingButTheKeyItself() {
    WarmUpKey key = new WarmUpKey();
    String token = key.issue();

    assertThat(key.admits(null, LOOPBACK)).isFalse();
    assertThat(key.admits("Bearer", LOOPBACK)).isFalse();
    assertThat(key.admits("Bearer ", LOOPBACK)).isFalse();
    assertThat(key.admits(token, LOOPBACK)).isFalse();
    assertThat(key.admits("Basic " + token, LOOPBACK)).isFalse();
    assertThat(key.admits("Bearer " + token.substring(1), LOOPBACK)).isFalse();
    assertThat(key.admits("Bearer " + token + "x", LOOPBACK)).isFalse();
  }

  @Test
  void admitsNothingBeforeItIsIssuedNorAfterItIsRevoked() {
    WarmUpKey key = new WarmUpKey();
    assertThat(key.valid()).isFalse();
    assertThat(key.admits("Bearer ", LOOPBACK)).isFalse();

    String token = key.issue();
    assertThat(key.valid()).isTrue();
    key.revoke();

    assertThat(key.valid()).isFalse();
    assertThat(key.admits("Bearer " + token, LOOPBACK)).isFalse();
  }

  @Test
  void isIssuedOncePerProcessSoNothingMintsAnotherAfterTheWarmUp() {
    WarmUpKey key = new WarmUpKey();
    String first = key.issue();
    key.revoke();

    assertThatThrownBy(key::issue).isInstanceOf(IllegalStateException.class);
    assertThat(key.admits("Bearer " + first, LOOPBACK)).isFalse();
  }

  @Test
  void eachProcessDrawsAKeyOfItsOwn() {
    String one = new WarmUpKey().issue();
    String other = new WarmUpKey().issue();

    assertThat(one).isNotEqualTo(other).hasSizeGreaterThanOrEqualTo(43);
  }
}
