package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.RawClient;
import dev.cadenza.stream.testsupport.TestApp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens to ffmpeg runs, with a stand-in ffmpeg that never finishes ({@link SlowFfmpeg}):
 * slots are bounded (503 with Retry-After past them) and a run is shared; a run nobody listens to
 * goes on for the cache until a listener needs its slot; with the cache off it ends when its
 * listener leaves; stopping the service ends every run. Every process that ends is reaped: no
 * zombie is left in /proc.
 */
class TranscodeRunsTest {

  @TempDir Path dir;

  static String stream(Track t) {
    return "/api/v1/tracks/" + t.id() + "/stream?format=opus&bitrate=96";
  }

  /** Gone, and reaped: no /proc entry (a zombie keeps one). */
  static void awaitGone(long pid) {
    await("process " + pid + " ended and reaped")
        .atMost(Duration.ofSeconds(15))
        .until(
            () ->
                ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true)
                    && !Files.exists(Path.of("/proc/" + pid)));
  }

  static RawClient listen(TestApp app, Track t) throws Exception {
    RawClient c = RawClient.connect("127.0.0.1", app.port());
    c.get(stream(t), "");
    RawClient.Response head = c.head();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("X-Transcoding")).startsWith("opus-96; in progress");
    assertThat(head.header("Transfer-Encoding")).isEqualTo("chunked");
    return c;
  }

  @Test
  void slotsAreBoundedARunIsSharedAndAnAbandonedRunGivesItsSlotToAListener() throws Exception {
    TestApp app =
        TestApp.startDemo(
            "--cadenza.transcoding.ffmpeg=" + SlowFfmpeg.write(dir),
            "--cadenza.transcoding.max-concurrent=1",
            "--cadenza.transcoding.retry-after=3s");
    try {
      Transcoder transcoder = app.app().getBean(Transcoder.class);
      List<Track> tracks = List.copyOf(app.app().getBean(Library.class).catalog().tracks());
      Track first = tracks.get(1);
      Track second = tracks.get(3);

      RawClient one = listen(app, first);
      // the chunk of the stand-in's first bytes: its size line, then the bytes
      String firstChunk =
          new String(one.read(SlowFfmpeg.FIRST_BYTES.length() + 4), StandardCharsets.ISO_8859_1);
      assertThat(firstChunk).contains(SlowFfmpeg.FIRST_BYTES);
      assertThat(transcoder.pids()).hasSize(1);
      long pid = transcoder.pids().get(0);

      // the one slot is taken: another variant waits
      RawClient other = RawClient.connect("127.0.0.1", app.port());
      other.get(stream(second), "");
      RawClient.Response busy = other.response();
      assertThat(busy.status()).isEqualTo(503);
      assertThat(busy.header("Retry-After")).isEqualTo("3");
      assertThat(busy.header("Content-Type")).startsWith("application/problem+json");
      assertThat(busy.body()).contains("transcoding-busy");

      // the same variant joins the run
      RawClient two = listen(app, first);
      assertThat(transcoder.pids()).containsExactly(pid);

      // both leave: the run goes on for the cache
      one.close();
      two.close();
      Thread.sleep(500);
      assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).hasValue(true);

      // until a listener needs the slot
      double stopped = TranscodeMeters.runs(app, "stopped");
      RawClient three = listen(app, second);
      awaitGone(pid);
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> TranscodeMeters.runs(app, "stopped") == stopped + 1);
      assertThat(transcoder.pids()).hasSize(1).doesNotContain(pid);
      long last = transcoder.pids().get(0);
      three.close();
      other.close();

      // stopping the service ends the run
      app.app().close();
      awaitGone(last);
    } finally {
      app.app().close();
    }
  }

  @Test
  void withTheCacheOffARunEndsWhenItsListenerLeaves() throws Exception {
    TestApp app =
        TestApp.startDemo(
            "--cadenza.transcoding.ffmpeg=" + SlowFfmpeg.write(dir),
            "--cadenza.cache.enabled=false");
    try {
      Transcoder transcoder = app.app().getBean(Transcoder.class);
      Track t = app.app().getBean(Library.class).catalog().tracks().get(0);
      RawClient one = listen(app, t);
      assertThat(transcoder.pids()).hasSize(1);
      long pid = transcoder.pids().get(0);
      one.close();
      awaitGone(pid);
      // counted once the run is forgotten: after activeRuns() drops
      await().atMost(Duration.ofSeconds(10)).until(() -> TranscodeMeters.runs(app, "stopped") == 1);
      assertThat(transcoder.activeRuns()).isZero();
    } finally {
      app.app().close();
    }
  }
}
