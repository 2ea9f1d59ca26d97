package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NettyRoutesTest {

  static final String[] STREAM = NettyRoutes.parts("/api/v1/tracks/{id}/stream");

  @Test
  void aVariableIsOneNonEmptySegmentAndTheQueryIsNotPartOfThePath() {
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/AAAA/stream")).isTrue();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/AAAA/stream?x=/y")).isTrue();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/%zz/stream")).isTrue();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks//stream")).isFalse();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/a/b/stream")).isFalse();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/AAAA/streams")).isFalse();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/AAAA")).isFalse();
    assertThat(NettyRoutes.matches(STREAM, "/api/v1/tracks/AAAA/st?ream")).isFalse();
  }

  @Test
  void aPathWithoutVariablesMatchesExactly() {
    String[] time = NettyRoutes.parts("/api/v1/time");
    assertThat(NettyRoutes.matches(time, "/api/v1/time")).isTrue();
    assertThat(NettyRoutes.matches(time, "/api/v1/time?t1=1")).isTrue();
    assertThat(NettyRoutes.matches(time, "/api/v1/timex")).isFalse();
    assertThat(NettyRoutes.matches(time, "/api/v1/tim")).isFalse();
  }
}
