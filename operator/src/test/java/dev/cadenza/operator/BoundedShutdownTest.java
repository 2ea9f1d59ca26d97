package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BoundedShutdown}: a stop that finishes ends cleanly, one that hangs halts. */
@Timeout(60)
class BoundedShutdownTest {

  final AtomicBoolean halted = new AtomicBoolean();

  @Test
  void aStopThatFinishesEndsCleanlyWithoutHalting() {
    AtomicBoolean stopped = new AtomicBoolean();

    assertThat(BoundedShutdown.run(Duration.ofSeconds(30), () -> stopped.set(true), this::halt))
        .isEqualTo(BoundedShutdown.Outcome.STOPPED);
    assertThat(stopped).isTrue();
    assertThat(halted).isFalse();
  }

  @Test
  void aStopThatNeverFinishesHaltsAfterTheTimeout() {
    CountDownLatch never = new CountDownLatch(1);
    try {
      assertThat(BoundedShutdown.run(Duration.ofMillis(200), () -> await(never), this::halt))
          .isEqualTo(BoundedShutdown.Outcome.HALTED);
      assertThat(halted).isTrue();
    } finally {
      never.countDown();
    }
  }

  @Test
  void aStopThatFailsEndsWithoutHalting() {
    assertThat(
            BoundedShutdown.run(
                Duration.ofSeconds(30),
                () -> {
                  throw new IllegalStateException("client already closed");
                },
                this::halt))
        .isEqualTo(BoundedShutdown.Outcome.FAILED);
    assertThat(halted).isFalse();
  }

  private void halt() {
    halted.set(true);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
