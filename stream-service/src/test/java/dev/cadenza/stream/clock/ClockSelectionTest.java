package dev.cadenza.stream.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Selecting the servers that agree and combining them. */
class ClockSelectionTest {

  private static final long MS = 1_000_000;

  private static ServerPoll server(String name, long offset, long delay) {
    NtpSample sample = new NtpSample(offset, delay, 1, 0, MS, 1_000, 0);
    return ServerPoll.of(
        NtpServer.parse(name), null, List.of(sample), Map.of(SampleOutcome.ACCEPTED, 1));
  }

  @Test
  void aServerFarFromTwoThatAgreeIsAFalseticker() {
    ServerPoll a = server("a", 0, MS / 10);
    ServerPoll b = server("b", MS, MS / 10);
    ServerPoll c = server("c", 250 * MS, MS / 10);

    ClockSelection.Result r = ClockSelection.select(List.of(a, b, c));

    assertThat(r.survivors()).containsExactlyInAnyOrder(a, b);
    assertThat(r.offset()).isBetween(0L, MS);
  }

  @Test
  void twoServersThatDisagreeGiveNoMajority() {
    ClockSelection.Result r =
        ClockSelection.select(List.of(server("a", 0, MS / 10), server("b", 250 * MS, MS / 10)));

    assertThat(r.synchronised()).isFalse();
  }

  @Test
  void oneServerIsFollowed() {
    ClockSelection.Result r = ClockSelection.select(List.of(server("a", 250 * MS, MS / 10)));

    assertThat(r.synchronised()).isTrue();
    assertThat(r.offset()).isEqualTo(250 * MS);
  }

  @Test
  void theCombinedOffsetWeighsTheCloserServerMore() {
    ServerPoll near = server("near", 0, MS / 10);
    // within the near one's interval (RFC 5905 wants every truechimer's midpoint in the
    // intersection), but ten times vaguer: root distance ~11 ms
    ServerPoll far = server("far", MS / 2, 20 * MS);

    ClockSelection.Result r = ClockSelection.select(List.of(near, far));

    assertThat(r.survivors()).hasSize(2);
    assertThat(r.offset()).isBetween(0L, MS / 10);
    assertThat(r.systemPeer()).isEqualTo(near);
  }

  @Test
  void serversWithoutUsableSamplesAreLeftOut() {
    ServerPoll silent =
        ServerPoll.of(NtpServer.parse("s"), null, List.of(), Map.of(SampleOutcome.TIMEOUT, 4));

    assertThat(ClockSelection.select(List.of(silent)).synchronised()).isFalse();
  }
}
