package dev.cadenza.stream.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The SNTP responder's per-source token bucket, on a clock the test moves. */
class SourceRateLimitTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private static InetAddress address(int last) throws Exception {
    return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
  }

  private int answered(SourceRateLimit limit, InetAddress source, int requests) {
    int answered = 0;
    for (int i = 0; i < requests; i++) {
      if (limit.tryAcquire(source)) {
        answered++;
      }
    }
    return answered;
  }

  @Test
  void aBurstFromOneSourceIsCutAtTheBurstWhileAnotherSourceIsStillAnswered() throws Exception {
    SourceRateLimit limit = new SourceRateLimit(16, 32, 100, now::get);

    assertThat(answered(limit, address(1), 2_000)).isEqualTo(32);
    assertThat(answered(limit, address(2), 1)).isEqualTo(1);
  }

  @Test
  void aLimitedSourceGetsTheRateBackAsTimePasses() throws Exception {
    SourceRateLimit limit = new SourceRateLimit(16, 32, 100, now::get);
    answered(limit, address(1), 100);

    now.addAndGet(500_000_000L); // half a second: 8 tokens
    assertThat(answered(limit, address(1), 100)).isEqualTo(8);

    now.addAndGet(60_000_000_000L); // a minute: the bucket is full again, no more
    assertThat(answered(limit, address(1), 100)).isEqualTo(32);
  }

  @Test
  void theTableOfSourcesStaysBoundedUnderSpoofedSources() throws Exception {
    SourceRateLimit limit = new SourceRateLimit(16, 32, 64, now::get);

    for (int i = 0; i < 10_000; i++) {
      limit.tryAcquire(
          InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i}));
    }

    assertThat(limit.sources()).isEqualTo(64);
  }
}
