package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Loading on demand and freeing when idle, with a model that counts its loads and closes. */
class OnDemandModelTest {

  final AtomicInteger opened = new AtomicInteger();
  final AtomicInteger closed = new AtomicInteger();

  private OnDemandModel<AutoCloseable> model(Duration idle) {
    return new OnDemandModel<>(
        () -> {
          opened.incrementAndGet();
          return closed::incrementAndGet;
        },
        idle,
        "test-idle");
  }

  @Test
  void theModelIsFreedAfterTheIdleTimeoutAndLoadedAgainByTheNextLease() throws Exception {
    try (OnDemandModel<AutoCloseable> model = model(Duration.ofMillis(20))) {
      model.acquire().close();
      await().atMost(Duration.ofSeconds(10)).until(() -> !model.resident());
      assertThat(closed).hasValue(1);

      try (OnDemandModel<AutoCloseable>.Lease lease = model.acquire()) {
        assertThat(model.resident()).isTrue();
      }
      assertThat(opened).hasValue(2);
      assertThat(model.loads()).isEqualTo(2);
    }
  }

  @Test
  void aHeldLeaseKeepsTheModelPastTheTimeoutAndCloseFreesItWhenTheLeaseIsReturned()
      throws Exception {
    OnDemandModel<AutoCloseable> model = model(Duration.ofMillis(1));
    OnDemandModel<AutoCloseable>.Lease held = model.acquire();
    model.acquire().close(); // the other lease returned: one still held

    await().during(Duration.ofMillis(200)).until(model::resident);
    model.close();
    assertThat(closed).hasValue(0); // never freed under a run
    held.close();
    assertThat(closed).hasValue(1);
    assertThatThrownBy(model::acquire).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aZeroTimeoutKeepsTheModelUntilClose() throws Exception {
    OnDemandModel<AutoCloseable> model = model(Duration.ZERO);
    model.acquire().close();

    await().during(Duration.ofMillis(200)).until(model::resident);
    model.close();
    assertThat(closed).hasValue(1);
    assertThat(opened).hasValue(1);
  }

  @Test
  void aFailedLoadLeavesNoModelAndTheNextLeaseTriesAgain() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    try (OnDemandModel<AutoCloseable> model =
        new OnDemandModel<>(
            () -> {
              if (attempts.incrementAndGet() == 1) {
                throw new IOException("no space left on device");
              }
              return () -> {};
            },
            Duration.ofSeconds(30),
            "test-idle")) {
      assertThatThrownBy(model::acquire).hasMessage("no space left on device");
      assertThat(model.resident()).isFalse();
      model.acquire().close();
      assertThat(model.resident()).isTrue();
    }
  }
}
