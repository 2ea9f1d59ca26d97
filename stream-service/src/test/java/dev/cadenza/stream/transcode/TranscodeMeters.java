package dev.cadenza.stream.transcode;

import dev.cadenza.stream.testsupport.TestApp;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The transcoder's meters of a running test app. */
final class TranscodeMeters {

  private TranscodeMeters() {}

  /** ffmpeg runs that ended as {@code outcome} (done, failed, stopped). */
  static double runs(TestApp app, String outcome) {
    Counter c =
        app.app()
            .getBean(MeterRegistry.class)
            .find("cadenza.transcode.runs")
            .tag("outcome", outcome)
            .counter();
    return c == null ? 0 : c.count();
  }

  /** ffmpeg runs that ended, however. */
  static double ended(TestApp app) {
    return runs(app, "done") + runs(app, "stopped") + runs(app, "failed");
  }
}
