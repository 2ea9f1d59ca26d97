package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.dynamodb.DynamoDbFault;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RecentCallsTest {

  final AtomicLong now = new AtomicLong();
  final RecentCalls recent = new RecentCalls(Duration.ofSeconds(60), now::get);

  @Test
  void countsTheFailuresOfTheLastCallsByKind() {
    recent.record(null);
    recent.record(DynamoDbFault.THROTTLED);
    recent.record(DynamoDbFault.THROTTLED);
    recent.record(DynamoDbFault.RESET);

    RecentCalls.Summary s = recent.summary();
    assertThat(s.calls()).isEqualTo(4);
    assertThat(s.failures()).isEqualTo(3);
    assertThat(s.kinds()).isEqualTo("throttled 2, reset 1");
    assertThat(s.details())
        .containsExactly(
            Map.entry("calls", 4),
            Map.entry("failed", 3),
            Map.entry("throttled", 2),
            Map.entry("reset", 1));
  }

  @Test
  void successesPushOldFailuresOut() {
    recent.record(DynamoDbFault.TIMEOUT);
    for (int i = 0; i < RecentCalls.SIZE - 1; i++) {
      recent.record(null);
    }
    assertThat(recent.summary().failures()).isEqualTo(1);
    recent.record(null);
    assertThat(recent.summary().failures()).isZero();
    assertThat(recent.summary().calls()).isEqualTo(RecentCalls.SIZE);
  }

  @Test
  void callsOlderThanTheMaximumAgeAreForgotten() {
    recent.record(DynamoDbFault.UNREACHABLE);
    now.addAndGet(Duration.ofSeconds(30).toNanos());
    recent.record(null);
    assertThat(recent.summary().failures()).isEqualTo(1);
    now.addAndGet(Duration.ofSeconds(31).toNanos());
    assertThat(recent.summary().failures()).isZero();
    assertThat(recent.summary().calls()).isEqualTo(1);
  }
}
