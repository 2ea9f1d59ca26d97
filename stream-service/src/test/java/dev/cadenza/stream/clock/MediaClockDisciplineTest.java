package dev.cadenza.stream.clock;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** How the media clock follows a new offset: slews at a bounded rate, steps only forward. */
class MediaClockDisciplineTest {

  private static final long MS = 1_000_000;
  private static final long SECOND = 1_000 * MS;

  /** A raw clock the test moves by hand. */
  private final AtomicLong raw = new AtomicLong(1_700_000_000L * SECOND);

  private final DisciplinedClock clock = new DisciplinedClock(raw::get, 500, 128 * MS);

  @Test
  void followsTheRawClockUntilSteered() {
    long before = clock.nowMicros();
    raw.addAndGet(SECOND);

    assertThat(clock.nowMicros() - before).isEqualTo(1_000_000);
    assertThat(clock.correctionNanos()).isZero();
  }

  @Test
  void aForwardOffsetAboveTheThresholdStepsAtOnce() {
    boolean stepped = clock.steer(250 * MS);

    assertThat(stepped).isTrue();
    assertThat(clock.correctionNanos()).isEqualTo(250 * MS);
  }

  @Test
  void aNegativeOffsetSlewsAndNeverGoesBackwards() {
    clock.steer(250 * MS);
    long before = clock.nowMicros();

    boolean stepped = clock.steer(-250 * MS);
    List<Long> readings = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      raw.addAndGet(MS);
      readings.add(clock.nowMicros());
    }

    assertThat(stepped).isFalse();
    assertThat(readings.get(0)).isGreaterThan(before);
    assertThat(readings).isSorted();
    // 2 s at 500 ppm: the correction moved back by 1 ms, no more
    assertThat(clock.correctionNanos()).isEqualTo(250 * MS - MS);
  }

  @Test
  void slewRateIsBounded() {
    clock.steer(100 * MS); // below the step threshold: slews

    raw.addAndGet(10 * SECOND);
    long after10s = clock.correctionNanos();
    raw.addAndGet(1_000 * SECOND);
    long afterAll = clock.correctionNanos();

    assertThat(after10s).isEqualTo(5 * MS); // 500 ppm of 10 s
    assertThat(afterAll).isEqualTo(100 * MS); // and it stops at the target
  }

  @Test
  void aSmallForwardOffsetSlewsRatherThanSteps() {
    boolean stepped = clock.steer(127 * MS);

    assertThat(stepped).isFalse();
    assertThat(clock.correctionNanos()).isZero();
  }

  @Test
  void aNewOffsetStartsFromWhereTheSlewHasGot() {
    clock.steer(100 * MS);
    raw.addAndGet(10 * SECOND); // 5 ms slewed
    clock.steer(0);
    raw.addAndGet(SECOND);

    assertThat(clock.correctionNanos()).isEqualTo(5 * MS - MS / 2);
  }

  @Test
  void neverGoesBackwardsAcrossThreads() throws Exception {
    DisciplinedClock real = new DisciplinedClock(RawClock.monotonic(), 500, 128 * MS);
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      Callable<Boolean> reader =
          () -> {
            long last = Long.MIN_VALUE;
            for (int i = 0; i < 200_000; i++) {
              long now = real.nowMicros();
              if (now < last) {
                return false;
              }
              last = now;
              if (i % 10_000 == 0) {
                real.steer((i % 20_000 == 0 ? -1 : 1) * 50 * MS);
              }
            }
            return true;
          };
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        results.add(threads.submit(reader));
      }
      for (Future<Boolean> r : results) {
        assertThat(r.get()).isTrue();
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
