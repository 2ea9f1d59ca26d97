package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.TimeExchange;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link ClockSync} against a scripted time endpoint that answers from the true clock. */
class ClockSyncTest {

  @Test
  void aClockRunning300MsAheadMeasuresTheMediaClock300MsBehind() throws Exception {
    LocalClock truth = LocalClock.system();
    AtomicInteger requests = new AtomicInteger();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/time",
                x -> {
                  long t2 = truth.nowMicros();
                  requests.incrementAndGet();
                  String query = x.getRequestURI().getQuery();
                  long t1 = Long.parseLong(query.substring(query.indexOf('=') + 1));
                  TimeExchange answer = new TimeExchange(t1, t2, truth.nowMicros(), false, 16, 0);
                  FakeService.respond(
                      x, 200, "application/json", Json.MAPPER.writeValueAsString(answer));
                })) {
      try (ClockSync sync =
          ClockSync.builder(service.uri()).clock(truth.shiftedBy(300_000)).exchanges(5).build()) {
        ClockEstimate estimate = sync.sync();
        // the answer's own error bound holds it: no wall-clock threshold needed
        assertThat(Math.abs(estimate.offsetMicros() + 300_000))
            .isLessThanOrEqualTo(estimate.errorBoundMicros() + 1);
        assertThat(estimate.samples()).isEqualTo(5);
        assertThat(requests).hasValue(6); // one warm-up, discarded
        assertThat(sync.estimate()).contains(estimate);
      }
    }
  }
}
