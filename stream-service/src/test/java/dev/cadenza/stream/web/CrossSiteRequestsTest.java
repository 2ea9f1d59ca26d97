package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrossSiteRequestsTest {

  @Test
  void theServicesOwnOriginIsSameOriginWhateverTheCaseAndDefaultPort() {
    assertThat(CrossSiteRequests.sameOrigin("http://127.0.0.1:8080", "127.0.0.1:8080")).isTrue();
    assertThat(CrossSiteRequests.sameOrigin("https://Music.Example", "music.example")).isTrue();
    assertThat(CrossSiteRequests.sameOrigin("https://music.example", "music.example:443")).isTrue();
    assertThat(CrossSiteRequests.sameOrigin("http://music.example", "music.example:80")).isTrue();
    assertThat(CrossSiteRequests.sameOrigin("http://[::1]:8080", "[::1]:8080")).isTrue();
  }

  @Test
  void aHostWithoutPortAsAFrontPassesItLeavesThePortOut() {
    assertThat(CrossSiteRequests.sameOrigin("https://music.example:8443", "music.example"))
        .isTrue();
  }

  @Test
  void anotherHostPortOrAnOpaqueOriginIsNotSameOrigin() {
    assertThat(CrossSiteRequests.sameOrigin("https://elsewhere.example", "music.example"))
        .isFalse();
    assertThat(CrossSiteRequests.sameOrigin("https://music.example.evil", "music.example"))
        .isFalse();
    assertThat(CrossSiteRequests.sameOrigin("http://127.0.0.1:9999", "127.0.0.1:8080")).isFalse();
    assertThat(CrossSiteRequests.sameOrigin("https://music.example", "music.example:80")).isFalse();
    assertThat(CrossSiteRequests.sameOrigin("null", "music.example")).isFalse();
    assertThat(CrossSiteRequests.sameOrigin("http://music.example", null)).isFalse();
    assertThat(CrossSiteRequests.sameOrigin("not an origin", "music.example")).isFalse();
  }

  @Test
  void secFetchSiteDecidesBeforeOrigin() {
    assertThat(CrossSiteRequests.refusal("cross-site", null, "x")).contains("Sec-Fetch-Site");
    assertThat(CrossSiteRequests.refusal("same-site", null, "x")).isNull();
    assertThat(CrossSiteRequests.refusal("none", null, "x")).isNull();
    assertThat(CrossSiteRequests.refusal(null, null, "x")).isNull();
    assertThat(CrossSiteRequests.refusal("same-origin", "https://elsewhere.example", "x"))
        .contains("Origin");
  }
}
