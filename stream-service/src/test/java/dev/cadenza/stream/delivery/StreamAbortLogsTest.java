package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.cadenza.stream.testsupport.CapturedLogs;
import dev.cadenza.stream.testsupport.RawHttp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What aborted streams log: a client going away is no news (DEBUG, counted), a file changing under
 * a stream is one WARN line without a stack trace, and a complete response is no abort; with the
 * cache on and off.
 */
class StreamAbortLogsTest {

  static final int SIZE = 32 * 1024 * 1024;

  @TempDir Path library;
  ConfigurableApplicationContext app;
  int port;

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  void start(boolean cached) throws Exception {
    TestAudio.wav(library.resolve("victim.wav"), SIZE, 7);
    // cached: through L1, whose chunk reads abort on their own path
    TestApp started =
        TestApp.start(library, "--cadenza.cache.enabled=" + cached, "--cadenza.cache.originals=l1");
    app = started.app();
    port = started.port();
  }

  String streamPath() throws Exception {
    try (RawHttp r = RawHttp.get(port, "/api/v1/tracks?q=victim")) {
      String body = new String(r.body());
      String id = body.replaceAll("(?s).*\"id\":\"([A-Za-z0-9_-]{16})\".*", "$1");
      return "/api/v1/tracks/" + id + "/stream";
    }
  }

  double counted(String meter) {
    return app.getBean(MeterRegistry.class).get(meter).counter().count();
  }

  /** Starts a GET, reads a little of the body, and resets the connection. */
  void abortAfterTheFirstBytes(String stream) throws Exception {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(64 * 1024);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      s.getOutputStream()
          .write(
              ("GET " + stream + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().readNBytes(64 * 1024);
      s.setSoLinger(true, 0); // close with a reset, as a player that skips does
    }
  }

  void clientAbortsAreNotWarnings(boolean cached) throws Exception {
    start(cached);
    String stream = streamPath();
    try (CapturedLogs logs = CapturedLogs.capture()) {
      for (int i = 0; i < 3; i++) {
        abortAfterTheFirstBytes(stream);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(counted("cadenza.stream.client.aborts")).isEqualTo(3));
      assertThat(logs.count(Level.WARN, e -> true))
          .as("WARN or ERROR lines: %s", logs.of(""))
          .isZero();
    }
  }

  @Test
  void clientAbortsAreCountedNotWarned() throws Exception {
    clientAbortsAreNotWarnings(true);
  }

  @Test
  void clientAbortsAreCountedNotWarnedWithoutTheCache() throws Exception {
    clientAbortsAreNotWarnings(false);
  }

  /**
   * Whole responses of every kind, on kept-alive and on closing connections, count no client abort:
   * a short body used to, each, as Reactor Netty cancelled a handler whose response was done.
   */
  void completeResponsesAreNotClientAborts(boolean cached) throws Exception {
    start(cached);
    String stream = streamPath();
    HttpClient http = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + port + stream);
    for (String range : List.of("bytes=0-99", "bytes=1000-70999", "bytes=0-9,100-199")) {
      HttpResponse<byte[]> r =
          http.send(
              HttpRequest.newBuilder(uri).header("Range", range).build(),
              HttpResponse.BodyHandlers.ofByteArray());
      assertThat(r.statusCode()).as(range).isEqualTo(206);
    }
    HttpResponse<Void> head =
        http.send(
            HttpRequest.newBuilder(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.discarding());
    String etag = head.headers().firstValue("ETag").orElseThrow();
    assertThat(
            http.send(
                    HttpRequest.newBuilder(uri).header("If-None-Match", etag).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode())
        .isEqualTo(304);
    try (RawHttp r = RawHttp.send(port, "GET " + stream + " HTTP/1.1\r\nRange: bytes=0-99", 0)) {
      assertThat(r.body()).hasSize(100);
    }
    await() // each is recorded as its last write is done
        .atMost(Duration.ofSeconds(20))
        .untilAsserted(
            () ->
                assertThat(
                        app
                            .getBean(MeterRegistry.class)
                            .get("cadenza.stream.requests")
                            .timers()
                            .stream()
                            .mapToLong(Timer::count)
                            .sum())
                    .isEqualTo(6));
    assertThat(counted("cadenza.stream.client.aborts")).isZero();
  }

  @Test
  void completeResponsesAreNotCountedAsClientAborts() throws Exception {
    completeResponsesAreNotClientAborts(true);
  }

  @Test
  void completeResponsesAreNotCountedAsClientAbortsWithoutTheCache() throws Exception {
    completeResponsesAreNotClientAborts(false);
  }

  void fileChangeAbortsAreOneLineEach(boolean cached) throws Exception {
    start(cached);
    Path file = library.resolve("victim.wav");
    String stream = streamPath();
    try (CapturedLogs logs = CapturedLogs.capture()) {
      for (int i = 0; i < 3; i++) {
        try (RawHttp r = RawHttp.send(port, "GET " + stream + " HTTP/1.1", 64 * 1024)) {
          r.read(1024 * 1024);
          try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(SIZE / 2);
            byte[] patch = new byte[1024 * 1024];
            Arrays.fill(patch, (byte) i);
            raf.write(patch);
          }
          Files.setLastModifiedTime(
              file, FileTime.fromMillis(System.currentTimeMillis() + 10_000L * (i + 1)));
          assertThat(r.read(Long.MAX_VALUE).length).isLessThan((int) r.contentLength());
        }
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> assertThat(counted("cadenza.stream.aborted")).isEqualTo(3));
      assertThat(logs.count(Level.WARN, "changed while it was being sent")).isEqualTo(3);
      assertThat(logs.count(Level.WARN, e -> true))
          .as("WARN or ERROR lines: %s", logs.of(""))
          .isEqualTo(3);
      assertThat(logs.stackTraces()).isZero();
    }
  }

  @Test
  void aFileChangeAbortIsOneWarningWithoutAStackTrace() throws Exception {
    fileChangeAbortsAreOneLineEach(true);
  }

  @Test
  void aFileChangeAbortIsOneWarningWithoutAStackTraceWithoutTheCache() throws Exception {
    fileChangeAbortsAreOneLineEach(false);
  }
}
