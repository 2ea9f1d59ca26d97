package dev.cadenza.stream.clock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cadenza.testsupport.ChronyServer;
import dev.cadenza.testsupport.Ports;
import dev.cadenza.testsupport.ShiftedNtpResponder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/** The NTP client against real servers on loopback: chrony, and a server with a shifted clock. */
class NtpClientTest {

  private static final long MS = 1_000_000;

  private final Map<SampleOutcome, Integer> counted = new ConcurrentHashMap<>();

  private final NtpClient client =
      new NtpClient(
          RawClock.system(),
          4,
          Duration.ofMillis(300),
          Duration.ofMillis(10),
          o -> counted.merge(o, 1, Integer::sum));

  private ServerPoll poll(String server) {
    List<ServerPoll> polls = client.poll(List.of(NtpServer.parse(server)));
    assertThat(polls).hasSize(1);
    return polls.get(0);
  }

  @Test
  void measuresChronyOnTheSameClockAsNoOffset() {
    try (ChronyServer chrony = ChronyServer.start()) {
      ServerPoll p = poll(chrony.address());

      assertThat(p.usable()).as(chrony.log()).isTrue();
      assertThat(p.best().offset()).isBetween(-50 * MS, 50 * MS);
      assertThat(p.best().stratum()).isEqualTo(ChronyServer.STRATUM);
      assertThat(p.outcomes()).containsEntry(SampleOutcome.ACCEPTED, 4);
    }
  }

  @Test
  void measuresAShiftedServersOffset() {
    try (ShiftedNtpResponder shifted = ShiftedNtpResponder.start(Duration.ofMillis(250))) {
      ServerPoll p = poll(shifted.address());

      assertThat(p.usable()).isTrue();
      assertThat(p.best().offset() / 1e6).isCloseTo(250, within(20.0));
      assertThat(p.best().delay()).isNotNegative();
      assertThat(p.rootDistance()).isGreaterThanOrEqualTo(ServerPoll.MIN_DISTANCE_NANOS);
      assertThat(p.refId()).isEqualTo(0x7f000001); // 127.0.0.1, what our SNTP clients see
    }
  }

  @Test
  void rejectsGarbageAndCountsWhy() {
    try (ShiftedNtpResponder garbage =
        ShiftedNtpResponder.start(Duration.ZERO, ShiftedNtpResponder.Mode.GARBAGE)) {
      ServerPoll p = poll(garbage.address());

      assertThat(p.usable()).isFalse();
      assertThat(p.answered()).isTrue();
      assertThat(counted).doesNotContainKey(SampleOutcome.ACCEPTED);
      assertThat(counted.keySet())
          .anySatisfy(o -> assertThat(o).isNotIn(SampleOutcome.TIMEOUT, SampleOutcome.UNREACHABLE));
    }
  }

  @Test
  void aSilentServerTimesOut() {
    try (ShiftedNtpResponder silent =
        ShiftedNtpResponder.start(Duration.ZERO, ShiftedNtpResponder.Mode.SILENT)) {
      ServerPoll p = poll(silent.address());

      assertThat(p.usable()).isFalse();
      assertThat(p.answered()).isFalse();
      assertThat(p.outcomes()).containsKey(SampleOutcome.TIMEOUT);
    }
  }

  @Test
  void aClosedPortIsUnreachable() {
    ServerPoll p = poll("127.0.0.1:" + Ports.freeUdp());

    assertThat(p.usable()).isFalse();
    assertThat(p.answered()).isFalse();
    assertThat(p.outcomes()).containsKey(SampleOutcome.UNREACHABLE);
  }

  @Test
  void anUnknownHostIsUnreachable() {
    ServerPoll p = poll("ntp.invalid");

    assertThat(p.outcomes()).containsOnlyKeys(SampleOutcome.UNREACHABLE);
  }

  @Test
  void timestampsKeepNanosecondResolution() {
    long nanos = 1_764_000_000_123_456_789L;

    long back = NtpTimestamps.toEpochNanos(NtpTimestamps.fromEpochNanos(nanos));

    assertThat(back).isEqualTo(nanos);
  }

  @Test
  void serverSettingsParse() {
    assertThat(NtpServer.parse("time.example")).isEqualTo(new NtpServer("time.example", 123));
    assertThat(NtpServer.parse("10.0.0.1:1123")).isEqualTo(new NtpServer("10.0.0.1", 1123));
    assertThat(NtpServer.parse("[::1]:1123")).isEqualTo(new NtpServer("::1", 1123));
    assertThat(NtpServer.parse("::1")).isEqualTo(new NtpServer("::1", 123));
  }
}
