package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real ffmpeg (hack/ffmpeg.sh) behind {@code GET /api/v1/tracks/{id}/stream?format=&bitrate=}:
 * every track of the demo library in every format decodes to the right codec, channels, sample rate
 * and duration (ffprobe and ffmpeg judge; a made MP3 or M4A within one frame of the source, as its
 * gapless information says); a variant made once is served whole from the cache with its length, a
 * strong ETag and byte ranges equal to the same bytes read whole; listeners of one variant share
 * one run; what the original satisfies is the original.
 */
class TranscodingTest {

  static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @TempDir static Path dir;
  static TestApp app;
  static List<Track> tracks;
  static int chunkSize;

  @BeforeAll
  static void start() throws Exception {
    app = TestApp.startDemo();
    tracks = List.copyOf(app.app().getBean(Library.class).catalog().tracks());
    chunkSize = app.app().getBean(ChunkCache.class).chunkSize();
    assertThat(tracks).hasSizeGreaterThanOrEqualTo(8);
    assertThat(app.app().getBean(Transcoder.class).available())
        .as("ffmpeg is installed (hack/ffmpeg.sh)")
        .isTrue();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
            .timeout(Duration.ofSeconds(60));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String stream(Track t, String query) {
    return "/api/v1/tracks/" + t.id() + "/stream" + (query.isEmpty() ? "" : "?" + query);
  }

  @Test
  void everyTrackInEveryFormatDecodesAsItShouldAndIsThenServedWholeWithRanges() throws Exception {
    for (Track t : tracks) {
      Path source = t.file();
      long sourceSamples = Ffprobe.samplesAt48k(source);
      for (TranscodeFormat f : TranscodeFormat.values()) {
        if (TranscodePolicy.isAlready(t, f)) {
          continue; // the original is served (whatTheOriginalSatisfiesIsTheOriginal)
        }
        String what = t.path() + " as " + f.id();
        HttpResponse<byte[]> first = get(stream(t, "format=" + f.id() + "&bitrate=96"));
        assertThat(first.statusCode()).as(what).isEqualTo(200);
        assertThat(first.headers().firstValue("Content-Type")).as(what).hasValue(f.contentType());
        assertThat(first.headers().firstValue("X-Transcoding").orElseThrow())
            .as(what)
            .startsWith(f.id() + "-");
        byte[] streamed = first.body();
        Path out = dir.resolve(t.id() + "-streamed." + f.id());
        Files.write(out, streamed);

        Ffprobe.Stream audio = Ffprobe.audio(out);
        assertThat(audio.codec()).as(what).isEqualTo(f.codec());
        assertThat(audio.channels()).as(what).isEqualTo(2);
        int expectedRate = f == TranscodeFormat.OPUS ? 48_000 : t.audio().sampleRate();
        assertThat(audio.sampleRate()).as(what).isEqualTo(expectedRate);
        // Opus signals its encoder delay (pre-skip): exact. As streamed, MP3 and AAC cannot say to
        // skip the encoder's delay (LAME 1105 samples, AAC 1024): up to that more, plus one frame.
        long frame = frameAt48k(f, audio.sampleRate());
        long delay = delayAt48k(f, audio.sampleRate());
        assertThat(Ffprobe.samplesAt48k(out))
            .as(
                "%s streamed: decoded samples at 48 kHz against the source's %d",
                what, sourceSamples)
            .isBetween(sourceSamples - frame, sourceSamples + delay + frame);

        // made: the next request is served whole from the cache, with ranges and a strong ETag
        HttpResponse<byte[]> again = get(stream(t, "format=" + f.id() + "&bitrate=96"));
        assertThat(again.statusCode()).as(what).isEqualTo(200);
        byte[] bytes = again.body();
        assertThat(bytes).as(what).hasSize(streamed.length);
        int head = Math.min(chunkSize, bytes.length);
        assertThat(Arrays.copyOfRange(bytes, head, bytes.length))
            .as("%s: only the first chunk of the made variant differs from the stream", what)
            .isEqualTo(Arrays.copyOfRange(streamed, head, streamed.length));
        if (!GaplessInfo.writtenFor(f)) {
          assertThat(bytes).as(what).isEqualTo(streamed);
        }
        // made MP3 and M4A carry their gapless information (LAME Info frame; iTunSMPB): within
        // one frame of the source. ADTS has nowhere to say it: the streamed tolerance.
        Path made = Files.write(dir.resolve(t.id() + "." + f.id()), bytes);
        assertThat(Ffprobe.samplesAt48k(made))
            .as("%s made: decoded samples at 48 kHz against the source's %d", what, sourceSamples)
            .isBetween(
                sourceSamples - frame,
                sourceSamples + (f == TranscodeFormat.AAC ? delay : 0) + frame);
        assertThat(again.headers().firstValue("Content-Length"))
            .as(what)
            .hasValue(Integer.toString(bytes.length));
        assertThat(again.headers().firstValue("Accept-Ranges")).as(what).hasValue("bytes");
        String etag = again.headers().firstValue("ETag").orElseThrow();
        assertThat(etag).as(what).startsWith("\"").doesNotStartWith("W/");

        HttpResponse<byte[]> range =
            get(stream(t, "format=" + f.id() + "&bitrate=96"), "Range", "bytes=100-999");
        assertThat(range.statusCode()).as(what).isEqualTo(206);
        assertThat(range.headers().firstValue("Content-Range"))
            .as(what)
            .hasValue("bytes 100-999/" + bytes.length);
        assertThat(range.body()).as(what).isEqualTo(Arrays.copyOfRange(bytes, 100, 1000));

        HttpResponse<byte[]> tail =
            get(stream(t, "format=" + f.id() + "&bitrate=96"), "Range", "bytes=-777");
        assertThat(tail.body())
            .as(what)
            .isEqualTo(Arrays.copyOfRange(bytes, bytes.length - 777, bytes.length));

        HttpResponse<byte[]> same =
            get(stream(t, "format=" + f.id() + "&bitrate=96"), "If-None-Match", etag);
        assertThat(same.statusCode()).as(what).isEqualTo(304);
      }
    }
  }

  private static long frameAt48k(TranscodeFormat f, int rate) {
    return switch (f) {
      case OPUS -> 960;
      case MP3 -> 1152L * 48_000 / rate + 1;
      case AAC, M4A -> 1024L * 48_000 / rate + 1;
    };
  }

  private static long delayAt48k(TranscodeFormat f, int rate) {
    return switch (f) {
      case OPUS -> 0;
      case MP3 -> 1105L * 48_000 / rate + 1;
      case AAC, M4A -> 1024L * 48_000 / rate + 1;
    };
  }

  @Test
  void listenersOfOneVariantShareOneRun() throws Exception {
    Track t = tracks.get(1);
    double before = TranscodeMeters.runs(app, "done");
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      all.add(
          http.sendAsync(
              HttpRequest.newBuilder(
                      URI.create(
                          "http://127.0.0.1:" + app.port() + stream(t, "format=mp3&bitrate=64")))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    byte[] first = all.get(0).get().body();
    for (CompletableFuture<HttpResponse<byte[]>> r : all) {
      assertThat(r.get().statusCode()).isEqualTo(200);
      assertThat(r.get().body()).isEqualTo(first);
    }
    assertThat(TranscodeMeters.runs(app, "done") - before)
        .as("ffmpeg runs for four listeners")
        .isEqualTo(1);
  }

  @Test
  void whatTheOriginalSatisfiesIsTheOriginal() throws Exception {
    Track mp3 = tracks.stream().filter(t -> t.path().endsWith(".mp3")).findFirst().orElseThrow();
    byte[] file = Files.readAllBytes(mp3.file());
    for (String query :
        List.of(
            "format=mp3",
            "format=raw",
            "format=RAW&bitrate=64",
            "bitrate=" + (mp3.audio().bitrate() + 1),
            "format=mp3&bitrate=320")) {
      HttpResponse<byte[]> r = get(stream(mp3, query));
      assertThat(r.statusCode()).as(query).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Transcoding")).as(query).isEmpty();
      assertThat(r.headers().firstValue("ETag")).as(query).hasValue(mp3.etag());
      assertThat(r.body()).as(query).isEqualTo(file);
    }
    // a lower limit and no format: the default format (opus), at the ladder's step below it
    HttpResponse<byte[]> lower = get(stream(mp3, "bitrate=" + (mp3.audio().bitrate() - 1)));
    assertThat(lower.headers().firstValue("X-Transcoding").orElseThrow()).startsWith("opus-64");
  }

  @Test
  void aBadFormatOrBitRateIsABadRequest() throws Exception {
    Track t = tracks.get(0);
    for (String query :
        List.of(
            "format=flacc", "bitrate=abc", "bitrate=0", "bitrate=-5", "format=mp3&format=opus")) {
      HttpResponse<byte[]> r = get(stream(t, query));
      assertThat(r.statusCode()).as(query).isEqualTo(400);
      assertThat(r.headers().firstValue("Content-Type").orElseThrow())
          .as(query)
          .startsWith("application/problem+json");
    }
  }

  @Test
  void aHeadForAVariantNotMadeStartsNothing() throws Exception {
    Track t = tracks.get(2);
    Transcoder transcoder = app.app().getBean(Transcoder.class);
    // the runs of other tests end (and are counted, then forgotten) after their responses
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> transcoder.activeRuns() == 0);
    double before = TranscodeMeters.ended(app);
    HttpResponse<byte[]> head =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + app.port() + stream(t, "format=aac&bitrate=160")))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Accept-Ranges")).hasValue("none");
    Thread.sleep(300);
    assertThat(TranscodeMeters.ended(app)).isEqualTo(before);
    assertThat(app.app().getBean(Transcoder.class).activeRuns()).isZero();
  }
}
