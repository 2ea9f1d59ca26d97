package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

class ProblemsTest {

  @Test
  void unavailableTrackKeepsItsCauseAndAsksToRetry() {
    IOException cause = new IOException("Permission denied");
    var e = Problems.trackUnavailable("AAAAAAAAAAAAAAAA", cause);
    assertThat(e.getStatusCode().value()).isEqualTo(503);
    assertThat(e.getCause()).isSameAs(cause);
    assertThat(e.getHeaders().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("5");
    assertThat(e.getBody().getProperties()).containsEntry("id", "AAAAAAAAAAAAAAAA");
  }

  @Test
  void badParameterReportsAnAbsentValueAsNull() {
    var e = Problems.badParameter("limit", null, "must be a whole number");
    assertThat(e.getBody().getProperties()).containsEntry("parameter", "limit");
    assertThat(e.getBody().getProperties()).containsKey("value");
  }
}
