package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * ffmpeg missing: a request for another format gets the original, says so in {@code X-Transcoding};
 * the transcoder's health carries a warning that says what to do (the service stays UP) and {@code
 * cadenza_transcode_available} is 0.
 */
class WithoutFfmpegTest {

  @Test
  void theOriginalIsServedAndTheHealthSaysWhy() throws Exception {
    TestApp app = TestApp.startDemo("--cadenza.transcoding.ffmpeg=/nonexistent/ffmpeg");
    try {
      Track t = app.app().getBean(Library.class).catalog().tracks().get(1);
      HttpResponse<byte[]> r = TranscodeHttp.stream(app, t, "format=opus&bitrate=64");
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Transcoding").orElseThrow())
          .startsWith("none; transcoding is unavailable");
      assertThat(r.headers().firstValue("ETag")).hasValue(t.etag());
      assertThat(r.body()).isEqualTo(Files.readAllBytes(t.file()));

      assertThat(
              app.app()
                  .getBean(io.micrometer.core.instrument.MeterRegistry.class)
                  .get("cadenza.transcode.available")
                  .gauge()
                  .value())
          .isZero();
      assertThat(app.app().getBean(Transcoder.class).health().getDetails().get("warning"))
          .asString()
          .contains("install ffmpeg");
    } finally {
      app.app().close();
    }
  }
}
