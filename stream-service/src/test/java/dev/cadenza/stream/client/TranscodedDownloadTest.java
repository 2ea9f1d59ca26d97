package dev.cadenza.stream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import dev.cadenza.client.Backoff;
import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.DownloadProgress;
import dev.cadenza.client.DownloadResult;
import dev.cadenza.client.StreamFormat;
import dev.cadenza.client.Track;
import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.transcode.Ffprobe;
import dev.cadenza.stream.transcode.Transcoder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's {@code TrackDownloader} asking the real service for transcoded variants (real
 * ffmpeg, hack/ffmpeg.sh): a download of a variant being made (chunked, no length, no ranges)
 * completes and decodes; a made variant is resumed with {@code Range} + {@code If-Range} and its
 * strong ETag; a variant being made whose connection is cut is asked for again from byte 0, never
 * with {@code Range}. Each test asks for a variant no other test makes, so its first request is the
 * one that starts the run.
 */
class TranscodedDownloadTest {

  /** About 17.8 s of 44.1 kHz stereo noise: a few hundred KB at the bit rates asked for. */
  static final int SIZE = 3 * 1024 * 1024;

  static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(50));
  static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path library;
  @TempDir Path downloads;
  static TestApp app;
  static Path source;
  static String trackId;

  @BeforeAll
  static void start() throws Exception {
    source = TestAudio.wav(library.resolve("noise.wav"), SIZE, 5);
    app = TestApp.start(library);
    assertThat(app.app().getBean(Transcoder.class).available())
        .as("ffmpeg is installed (hack/ffmpeg.sh)")
        .isTrue();
    List<Track> found = direct().tracks("noise", 10, null).items();
    assertThat(found).hasSize(1);
    trackId = found.get(0).id();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static CadenzaClient direct() {
    return CadenzaClient.create(URI.create("http://127.0.0.1:" + app.port()));
  }

  static CadenzaClient through(DroppingProxy proxy, StreamFormat format) {
    return CadenzaClient.builder(URI.create("http://127.0.0.1:" + proxy.port()))
        .backoff(QUICK)
        .streamFormat(format)
        .build();
  }

  /** The service's answer to HEAD of the stream in {@code format}. */
  static HttpResponse<Void> head(StreamFormat format) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + app.port()
                        + "/api/v1/tracks/"
                        + trackId
                        + "/stream"
                        + format.query()))
            .method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build();
    return HTTP.send(request, HttpResponse.BodyHandlers.discarding());
  }

  /** Waits until the service serves {@code format} as a made variant: ranges and an ETag. */
  static String madeEtag(StreamFormat format) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> head(format).headers().firstValue("Accept-Ranges").orElse(""), "bytes"::equals);
    try {
      return head(format).headers().firstValue("ETag").orElseThrow();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void aVariantBeingMadeDownloadsWholeAndDecodesAsOpus() throws Exception {
    StreamFormat opus96 = StreamFormat.of("opus", 96);
    Path target = downloads.resolve("noise.opus");

    DownloadResult result =
        direct().downloader().withFormat(opus96).download(trackId, target, DownloadProgress.NONE);

    byte[] bytes = Files.readAllBytes(target);
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("OggS");
    assertThat(result.transcoding()).isEqualTo("opus-96");
    assertThat(result.etag()).as("the first answer is the variant being made").isNull();
    assertThat(result.bytes()).isEqualTo(bytes.length);
    assertThat(result.requests()).isEqualTo(1);
    Ffprobe.Stream audio = Ffprobe.audio(target);
    assertThat(audio.codec()).isEqualTo("opus");
    assertThat(audio.sampleRate()).isEqualTo(48_000);
    // Opus says how much of its start to skip: the decoded length is the source's, to a frame
    assertThat(Ffprobe.samplesAt48k(target)).isCloseTo(Ffprobe.samplesAt48k(source), within(960L));
  }

  @Test
  void aMadeVariantIsResumedWithRangeAndIfRangeCarryingItsEtag() throws Exception {
    StreamFormat opus64 = StreamFormat.of("opus", 64);
    Path first = downloads.resolve("first.opus");
    direct().downloader().withFormat(opus64).download(trackId, first, DownloadProgress.NONE);
    String etag = madeEtag(opus64);

    try (DroppingProxy proxy = new DroppingProxy(app.port(), i -> 40 * 1024)) {
      Path target = downloads.resolve("resumed.opus");
      DownloadResult result =
          through(proxy, opus64).downloader().download(trackId, target, DownloadProgress.NONE);

      assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(first));
      assertThat(result.etag()).isEqualTo(etag);
      assertThat(result.transcoding()).isEqualTo("opus-64");
      assertThat(result.restarts()).isZero();
      assertThat(result.resumes()).isEqualTo(result.requests() - 1).isGreaterThanOrEqualTo(2);
      List<String> heads = proxy.requestHeads();
      assertThat(heads).allSatisfy(h -> assertThat(h).contains("?format=opus&bitrate=64 "));
      assertThat(heads.get(0)).doesNotContainIgnoringCase("range:");
      assertThat(heads.subList(1, heads.size()))
          .allSatisfy(
              h ->
                  assertThat(h)
                      .containsIgnoringCase("range: bytes=")
                      .containsIgnoringCase("if-range: " + etag));
    }
  }

  @Test
  void aCutDownloadOfAVariantBeingMadeStartsOverFromByteZeroWithoutRange() throws Exception {
    StreamFormat mp3 = StreamFormat.of("mp3", 128);
    List<Long> startedOver = new CopyOnWriteArrayList<>();
    try (DroppingProxy proxy =
        new DroppingProxy(app.port(), i -> i == 0 ? 32 * 1024 : DroppingProxy.NEVER)) {
      Path target = downloads.resolve("noise.mp3");
      DownloadResult result =
          through(proxy, mp3)
              .downloader()
              .download(
                  trackId,
                  target,
                  new DownloadProgress() {
                    @Override
                    public void onProgress(long received, long total) {}

                    @Override
                    public void onStartOver(long discarded, Throwable cause, Duration wait) {
                      startedOver.add(discarded);
                    }
                  });

      assertThat(startedOver).hasSize(1);
      assertThat(startedOver.get(0)).isPositive();
      assertThat(result.restarts()).isEqualTo(1);
      assertThat(result.resumes()).isZero();
      assertThat(result.requests()).isEqualTo(2);
      assertThat(proxy.requestHeads())
          .noneSatisfy(h -> assertThat(h).containsIgnoringCase("range:"));
      assertThat(result.transcoding()).isEqualTo("mp3-128");
      assertThat(Ffprobe.audio(target).codec()).isEqualTo("mp3");

      // the bytes are the variant's, whole: the made variant read directly, but for its first
      // chunk, which got the gapless information once made (docs/transcoding.md)
      madeEtag(mp3);
      Path made = downloads.resolve("made.mp3");
      direct().downloader().withFormat(mp3).download(trackId, made, DownloadProgress.NONE);
      byte[] streamed = Files.readAllBytes(target);
      byte[] whole = Files.readAllBytes(made);
      int chunk = Math.min(app.app().getBean(ChunkCache.class).chunkSize(), whole.length);
      assertThat(streamed).hasSameSizeAs(whole);
      assertThat(Arrays.copyOfRange(streamed, chunk, streamed.length))
          .isEqualTo(Arrays.copyOfRange(whole, chunk, whole.length));
    }
  }
}
