package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** Who a request comes from, given its peer and its X-Forwarded-For lines. */
class ClientAddressTest {

  static ClientAddress trusting(String... proxies) {
    return new ClientAddress(
        new ServerSettings(
            Duration.ofSeconds(10), Duration.ofSeconds(75), 64, 8, Arrays.asList(proxies)));
  }

  static final ClientAddress BEHIND_FRONT = trusting("10.0.0.0/8", "fd00::/8");

  static String client(ClientAddress c, String peer, String... forwardedFor) {
    return ClientAddress.format(
        c.client(
            AddressRange.literalAddress(peer),
            forwardedFor.length == 0 ? null : List.of(forwardedFor)));
  }

  @Test
  void aPeerThatIsNoTrustedProxyIsTheClientWhateverItForwards() {
    assertThat(client(BEHIND_FRONT, "192.0.2.7", "198.51.100.1")).isEqualTo("192.0.2.7");
    assertThat(client(trusting(), "10.1.2.3", "198.51.100.1")).isEqualTo("10.1.2.3");
  }

  @Test
  void behindATrustedProxyTheClientIsTheRightmostUntrustedAddress() {
    // the player wrote the first two entries itself; the front appended its peer
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "1.1.1.1, 2.2.2.2, 198.51.100.9"))
        .isEqualTo("198.51.100.9");
    // two trusted hops: an outer load balancer, then the front
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "1.1.1.1, 198.51.100.9, 10.9.9.9"))
        .isEqualTo("198.51.100.9");
    // several header lines read as one list, in order
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "1.1.1.1", "198.51.100.9, 10.9.9.9"))
        .isEqualTo("198.51.100.9");
  }

  @Test
  void portsAndIpv6EntriesAreRead() {
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "198.51.100.9:4711")).isEqualTo("198.51.100.9");
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "[2001:db8::1]:4711"))
        .isEqualTo("2001:db8:0:0:0:0:0:1");
    assertThat(client(BEHIND_FRONT, "fd00::5", "2001:db8::1")).isEqualTo("2001:db8:0:0:0:0:0:1");
  }

  @Test
  void anEntryThatIsNoAddressEndsAtTheTrustedHopThatPassedItOn() {
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "unknown")).isEqualTo("10.1.2.3");
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "198.51.100.9, example.com, 10.9.9.9"))
        .isEqualTo("10.9.9.9");
  }

  @Test
  void withoutTheHeaderOrWithOnlyTrustedHopsTheLeftmostKnownIsTheClient() {
    assertThat(client(BEHIND_FRONT, "10.1.2.3")).isEqualTo("10.1.2.3");
    assertThat(client(BEHIND_FRONT, "10.1.2.3", " , ")).isEqualTo("10.1.2.3");
    assertThat(client(BEHIND_FRONT, "10.1.2.3", "10.7.7.7, 10.8.8.8")).isEqualTo("10.7.7.7");
  }

  @Test
  void ipv4MappedPeersMatchIpv4Ranges() throws Exception {
    InetAddress mapped =
        InetAddress.getByAddress(
            new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3});
    assertThat(BEHIND_FRONT.isTrustedProxy(mapped)).isTrue();
    assertThat(AddressRange.parse("::ffff:10.1.2.3").contains(InetAddress.getByName("10.1.2.3")))
        .isTrue();
  }

  static MockServerHttpRequest fromPeer(String peer, String forwardedProto) {
    var b = MockServerHttpRequest.get("/").remoteAddress(new InetSocketAddress(peer, 40_000));
    if (forwardedProto != null) {
      b.header("X-Forwarded-Proto", forwardedProto);
    }
    return b.build();
  }

  @Test
  void onlyATrustedProxyCanSayTheClientCameOverTls() {
    assertThat(BEHIND_FRONT.overTls(fromPeer("10.1.2.3", "https"))).isTrue();
    assertThat(BEHIND_FRONT.overTls(fromPeer("10.1.2.3", "HTTPS, http"))).isTrue();
    assertThat(BEHIND_FRONT.overTls(fromPeer("10.1.2.3", "http"))).isFalse();
    assertThat(BEHIND_FRONT.overTls(fromPeer("10.1.2.3", null))).isFalse();
    assertThat(BEHIND_FRONT.overTls(fromPeer("192.0.2.7", "https")))
        .as("a client that is no trusted proxy")
        .isFalse();
  }
}
