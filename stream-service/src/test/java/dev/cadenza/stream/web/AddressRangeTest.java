package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

  static boolean contains(String range, String address) throws Exception {
    return AddressRange.parse(range).contains(InetAddress.getByName(address));
  }

  @Test
  void rangesHoldTheirAddressesAndNoOthers() throws Exception {
    assertThat(contains("10.0.0.0/8", "10.255.0.1")).isTrue();
    assertThat(contains("10.0.0.0/8", "11.0.0.1")).isFalse();
    assertThat(contains("192.168.4.0/22", "192.168.7.255")).isTrue();
    assertThat(contains("192.168.4.0/22", "192.168.8.0")).isFalse();
    assertThat(contains("192.0.2.7", "192.0.2.7")).isTrue();
    assertThat(contains("192.0.2.7", "192.0.2.8")).isFalse();
    assertThat(contains("0.0.0.0/0", "203.0.113.1")).isTrue();
    assertThat(contains("fd00::/8", "fd12::1")).isTrue();
    assertThat(contains("fd00::/8", "fe80::1")).isFalse();
    assertThat(contains("10.0.0.0/8", "::1")).isFalse();
    // host bits are ignored, as in the ranges Kubernetes prints
    assertThat(contains("10.1.2.3/16", "10.1.200.1")).isTrue();
    assertThat(AddressRange.parse("10.1.2.3/16")).hasToString("10.1.0.0/16");
  }

  /** The bounds the operator's CRD accepts (CannotWork.SPEC_AT_THE_LIMITS) all parse here. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0/0",
        "255.255.255.255/32",
        "::/0",
        "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255/128"
      })
  void whatTheOperatorAcceptsParses(String text) {
    assertThat(AddressRange.parse(text)).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "example.com",
        "10.0.0.0/33",
        "10.0.0.0/",
        "10.0.0/8",
        "fd00::/129",
        "1.2.3.4/-1",
        "fe80::1%eth0",
        "10.0.0.0/8/8"
      })
  void anythingButAnAddressOrCidrIsRefusedWithoutALookup(String text) {
    assertThatThrownBy(() -> AddressRange.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'");
  }

  @Test
  void aBadTrustedProxyStopsStartUpNamingTheSetting() {
    assertThatThrownBy(
            () ->
                new ServerSettings(
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(75),
                    64,
                    8,
                    List.of("10.0.0.0/8", "nginx.local")))
        .hasMessage(
            "cadenza.server.trusted-proxies: 'nginx.local' is not an IP address or CIDR range (e.g."
                + " 10.0.0.0/8, fd00::/8)");
    assertThat(
            new ServerSettings(
                    Duration.ofSeconds(10), Duration.ofSeconds(75), 0, 0, List.of(" ", ""))
                .trustedProxies())
        .isEmpty();
    assertThatThrownBy(
            () -> new ServerSettings(Duration.ZERO, Duration.ofSeconds(75), 64, 8, List.of()))
        .hasMessageContaining("cadenza.server.request-head-timeout");
    assertThatThrownBy(
            () ->
                new ServerSettings(Duration.ofSeconds(1), Duration.ofSeconds(75), -1, 8, List.of()))
        .hasMessageContaining("cadenza.server.max-connections-per-client");
  }
}
