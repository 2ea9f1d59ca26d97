package dev.cadenza.stream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.ClockEstimate;
import dev.cadenza.client.ClockSync;
import dev.cadenza.client.LocalClock;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's {@link ClockSync} against the service's {@code GET /api/v1/time}. With no NTP server
 * configured the media clock is the system clock, so a player clock shifted by a known amount must
 * measure that amount, with the opposite sign. The tolerance is far above loopback jitter: it
 * checks the arithmetic and the units, not the machine.
 */
class MediaClockSyncTest {

  static final long TOLERANCE = 50_000; // µs

  @TempDir static Path library;
  static TestApp app;
  static CadenzaClient client;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 64 * 1024, 1);
    app = TestApp.start(library);
    client = CadenzaClient.create(URI.create("http://127.0.0.1:" + app.port()));
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  @Test
  void aClockRunning300MsAheadMeasuresAnOffsetOfMinus300Ms() {
    try (ClockSync sync = client.clockSync(LocalClock.system().shiftedBy(300_000))) {
      ClockEstimate estimate = sync.sync();
      assertThat(estimate.offsetMicros()).isCloseTo(-300_000L, within(TOLERANCE));
      assertThat(estimate.samples()).isEqualTo(ClockSync.DEFAULT_EXCHANGES);
      assertThat(estimate.delayMicros()).isNotNegative();
      assertThat(estimate.errorBoundMicros()).isGreaterThanOrEqualTo(estimate.delayMicros() / 2);
    }
  }

  @Test
  void aClockRunning250MsBehindMeasuresPlus250MsAndConvertsInstantsBack() {
    LocalClock behind = LocalClock.system().shiftedBy(-250_000);
    try (ClockSync sync = client.clockSync(behind)) {
      ClockEstimate estimate = sync.sync();
      assertThat(estimate.offsetMicros()).isCloseTo(250_000L, within(TOLERANCE));
      long mediaNow = sync.mediaNowMicros();
      long trueNow = LocalClock.system().nowMicros();
      assertThat(mediaNow).isCloseTo(trueNow, within(TOLERANCE));
      assertThat(sync.toLocalMicros(mediaNow) + 250_000).isCloseTo(trueNow, within(TOLERANCE));
    }
  }

  @Test
  void theSystemClockAgreesWithTheMediaClockOfAServiceWithoutNtpServers() {
    try (ClockSync sync = client.clockSync(LocalClock.system())) {
      assertThat(sync.sync().offsetMicros()).isCloseTo(0L, within(TOLERANCE));
    }
  }
}
