package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retry bounds and answer checks of {@link TrackDownloader}, against a scripted server. */
class TrackDownloaderTest {

  static final Backoff QUICK = new Backoff(Duration.ofMillis(1), Duration.ofMillis(5));
  static final byte[] TRACK = new byte[10_000];

  static {
    new Random(7).nextBytes(TRACK);
  }

  @TempDir Path dir;

  /** Sends {@code TRACK[from..]} announcing it whole, but only {@code send} bytes of it. */
  static void answer(HttpExchange x, int status, int from, int send) throws IOException {
    x.getResponseHeaders().set("ETag", "\"v1\"");
    if (status == 206) {
      x.getResponseHeaders()
          .set("Content-Range", "bytes " + from + "-" + (TRACK.length - 1) + "/" + TRACK.length);
    }
    x.sendResponseHeaders(status, TRACK.length - from);
    OutputStream out = x.getResponseBody();
    out.write(TRACK, from, send);
    out.flush();
    x.close(); // short of the announced length: the client sees the connection end early
  }

  static CadenzaClient client(FakeService service) {
    return CadenzaClient.builder(service.uri()).backoff(QUICK).build();
  }

  @Test
  void aShortBodyIsResumedWithRangeAndIfRange() throws Exception {
    List<String> ranges = new CopyOnWriteArrayList<>();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/t1/stream",
                x -> {
                  String range = x.getRequestHeaders().getFirst("Range");
                  ranges.add(range + " " + x.getRequestHeaders().getFirst("If-Range"));
                  if (range == null) {
                    answer(x, 200, 0, 4_000);
                  } else {
                    int from = Integer.parseInt(range.replaceAll("\\D", ""));
                    answer(x, 206, from, TRACK.length - from);
                  }
                })) {
      Path file = dir.resolve("t1");
      DownloadResult result =
          client(service).downloader().download("t1", file, DownloadProgress.NONE);
      assertThat(Files.readAllBytes(file)).isEqualTo(TRACK);
      assertThat(result).isEqualTo(new DownloadResult("\"v1\"", TRACK.length, 2, 1, 0, ""));
      assertThat(ranges).containsExactly("null null", "bytes=4000- \"v1\"");
    }
  }

  @Test
  void failuresWithoutProgressAreBoundedAndSaySo() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/t1/stream",
                x -> {
                  requests.incrementAndGet();
                  FakeService.respond(x, 503, "text/plain", "busy");
                })) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class,
              () ->
                  client(service)
                      .downloader()
                      .withRetries(3, QUICK)
                      .download("t1", dir.resolve("t1"), DownloadProgress.NONE));
      assertThat(e.title()).isEqualTo("download failed");
      assertThat(e.detail()).contains("4 failed attempts").contains("503");
      assertThat(requests).hasValue(4);
    }
  }

  @Test
  void aPartialAnswerForTheWrongBytesIsRefused() throws Exception {
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/t1/stream",
                x -> {
                  if (x.getRequestHeaders().getFirst("Range") == null) {
                    answer(x, 200, 0, 4_000);
                  } else {
                    answer(x, 206, 3_000, TRACK.length - 3_000); // not where the client is
                  }
                })) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class,
              () ->
                  client(service)
                      .downloader()
                      .download("t1", dir.resolve("t1"), DownloadProgress.NONE));
      assertThat(e.title()).isEqualTo("partial answer does not continue the download");
    }
  }

  @Test
  void aClientErrorIsNotRetried() throws Exception {
    AtomicInteger requests = new AtomicInteger();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/nope/stream",
                x -> {
                  requests.incrementAndGet();
                  FakeService.respond(
                      x,
                      404,
                      "application/problem+json",
                      "{\"title\":\"Not Found\",\"status\":404,\"detail\":\"no track nope\"}");
                })) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class,
              () ->
                  client(service)
                      .downloader()
                      .download("nope", dir.resolve("x"), DownloadProgress.NONE));
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.detail()).isEqualTo("no track nope");
      assertThat(requests).hasValue(1);
    }
  }

  @Test
  void aBodyThatStallsResumesOnANewConnectionAfterTheReadTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/tracks/t1/stream",
                x -> {
                  String range = x.getRequestHeaders().getFirst("Range");
                  if (range != null) {
                    int from = Integer.parseInt(range.replaceAll("\\D", ""));
                    answer(x, 206, from, TRACK.length - from);
                    return;
                  }
                  x.getResponseHeaders().set("ETag", "\"v1\"");
                  x.sendResponseHeaders(200, TRACK.length);
                  OutputStream out = x.getResponseBody();
                  out.write(TRACK, 0, 4_000);
                  out.flush();
                  try {
                    release.await(30, TimeUnit.SECONDS); // the connection stays open, silent
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  x.close();
                })) {
      Path file = dir.resolve("t1");
      DownloadResult result =
          CadenzaClient.builder(service.uri())
              .backoff(QUICK)
              .readTimeout(Duration.ofMillis(300))
              .build()
              .downloader()
              .download("t1", file, DownloadProgress.NONE);
      assertThat(Files.readAllBytes(file)).isEqualTo(TRACK);
      assertThat(result.requests()).isEqualTo(2);
      assertThat(result.resumes()).isEqualTo(1);
    } finally {
      release.countDown();
    }
  }

  /**
   * A variant being made: chunked, {@code Accept-Ranges: none}, no ETag; the first answer sends
   * 4,000 bytes and the connection breaks (the handler fails before the last chunk), the next is
   * the made variant, whole.
   */
  static FakeService variantBeingMadeThenMade(List<String> requests) throws IOException {
    AtomicInteger count = new AtomicInteger();
    return new FakeService()
        .on(
            "/api/v1/tracks/t1/stream",
            x -> {
              requests.add(
                  x.getRequestURI().getQuery() + " " + x.getRequestHeaders().getFirst("Range"));
              if (count.getAndIncrement() == 0) {
                x.getResponseHeaders().set("Accept-Ranges", "none");
                x.getResponseHeaders()
                    .set(
                        "X-Transcoding",
                        "opus-96; in progress: no byte ranges until it is complete");
                x.sendResponseHeaders(200, 0); // chunked
                x.getResponseBody().write(TRACK, 0, 4_000);
                x.getResponseBody().flush();
                throw new IOException("ffmpeg's pod went away"); // no last chunk: a cut body
              }
              x.getResponseHeaders().set("Accept-Ranges", "bytes");
              x.getResponseHeaders().set("ETag", "\"v-opus-96\"");
              x.getResponseHeaders().set("X-Transcoding", "opus-96");
              x.sendResponseHeaders(200, TRACK.length);
              try (OutputStream out = x.getResponseBody()) {
                out.write(TRACK);
              }
            });
  }

  @Test
  void aVariantBeingMadeIsAskedForAgainFromByteZeroWithoutRange() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    List<Long> startedOver = new CopyOnWriteArrayList<>();
    try (FakeService service = variantBeingMadeThenMade(requests)) {
      Path file = dir.resolve("t1.opus");
      DownloadResult result =
          CadenzaClient.builder(service.uri())
              .backoff(QUICK)
              .streamFormat(StreamFormat.of("opus", 96))
              .build()
              .downloader()
              .download(
                  "t1",
                  file,
                  new DownloadProgress() {
                    @Override
                    public void onProgress(long received, long total) {}

                    @Override
                    public void onStartOver(long discarded, Throwable cause, Duration wait) {
                      startedOver.add(discarded);
                    }
                  });
      assertThat(Files.readAllBytes(file)).isEqualTo(TRACK);
      assertThat(result)
          .isEqualTo(new DownloadResult("\"v-opus-96\"", TRACK.length, 2, 0, 1, "opus-96"));
      assertThat(requests)
          .containsExactly("format=opus&bitrate=96 null", "format=opus&bitrate=96 null");
      assertThat(startedOver).containsExactly(4_000L);
    }
  }

  @Test
  void aVariantBeingMadeCannotBeResumedIntoAnOutputStream() throws Exception {
    List<String> requests = new CopyOnWriteArrayList<>();
    try (FakeService service = variantBeingMadeThenMade(requests)) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class,
              () ->
                  client(service)
                      .downloader()
                      .withFormat(StreamFormat.of("opus", 96))
                      .download("t1", new ByteArrayOutputStream(), DownloadProgress.NONE));
      assertThat(e.title()).isEqualTo("download cannot be resumed");
      assertThat(e.detail()).contains("opus-96, Accept-Ranges: none").contains("after 4000 bytes");
      assertThat(requests).hasSize(1);
    }
  }
}
