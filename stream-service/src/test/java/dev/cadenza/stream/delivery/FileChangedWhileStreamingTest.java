package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.testsupport.RawHttp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Files that change while they are being sent, and shutdown while streams are in flight. Each
 * response a client receives in full holds the bytes of exactly one version of the file.
 */
class FileChangedWhileStreamingTest {

  static final int SIZE = 32 * 1024 * 1024;
  static final int RECEIVE_BUFFER = 64 * 1024;

  @TempDir Path library;
  ConfigurableApplicationContext app;
  int port;

  /**
   * How responses are served: through L1 here; the subclasses run the same from the page cache and
   * with the cache off.
   */
  List<String> cacheSettings() {
    return List.of("--cadenza.cache.originals=l1");
  }

  @BeforeEach
  void start() throws Exception {
    TestAudio.wav(library.resolve("victim.wav"), SIZE, 7);
    TestApp started =
        TestApp.start(
            library,
            Stream.concat(
                    Stream.of("--spring.lifecycle.timeout-per-shutdown-phase=30s"),
                    cacheSettings().stream())
                .toArray(String[]::new));
    app = started.app();
    port = started.port();
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  String streamPath() throws Exception {
    try (RawHttp r = RawHttp.get(port, "/api/v1/tracks?q=victim")) {
      String body = new String(r.body());
      String id = body.replaceAll("(?s).*\"id\":\"([A-Za-z0-9_-]{16})\".*", "$1");
      return "/api/v1/tracks/" + id + "/stream";
    }
  }

  /** What a slow client got of a response while something happened to the server side. */
  record SlowRead(String etag, long declared, byte[] received) {}

  interface Meanwhile {
    void run() throws Exception;
  }

  /** Reads the first MiB of a GET slowly, runs {@code meanwhile}, then reads to the end. */
  SlowRead slowRead(String stream, Meanwhile meanwhile) throws Exception {
    try (RawHttp r = RawHttp.send(port, "GET " + stream + " HTTP/1.1", RECEIVE_BUFFER)) {
      assertThat(r.status).isEqualTo(200);
      byte[] start = r.read(1024 * 1024);
      meanwhile.run();
      return new SlowRead(
          r.headers.get("etag"), r.contentLength(), concat(start, r.read(Long.MAX_VALUE)));
    }
  }

  /** A new request gets the file as it is now, under a new ETag. */
  void servesTheNewVersion(String stream, String oldEtag, Path file) throws Exception {
    try (RawHttp again = RawHttp.get(port, stream)) {
      assertThat(again.status).isEqualTo(200);
      assertThat(again.headers.get("etag")).isNotEqualTo(oldEtag);
      assertThat(again.body()).isEqualTo(Files.readAllBytes(file));
    }
  }

  @Test
  void fileRewrittenInPlaceMidStreamCutsTheResponseShortAndGetsANewEtag() throws Exception {
    Path file = library.resolve("victim.wav");
    byte[] before = Files.readAllBytes(file);
    String stream = streamPath();
    SlowRead read =
        slowRead(
            stream,
            () -> {
              try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
                raf.seek(SIZE / 2);
                byte[] patch = new byte[1024 * 1024];
                Arrays.fill(patch, (byte) 0x55);
                raf.write(patch);
              }
              Files.setLastModifiedTime(
                  file, FileTime.fromMillis(System.currentTimeMillis() + 10_000)); // past ticks
            });
    assertThat(read.received().length)
        .as("a response mixing two versions must not complete")
        .isLessThan((int) read.declared());
    assertThat(Arrays.copyOf(before, 1024 * 1024))
        .isEqualTo(Arrays.copyOf(read.received(), 1024 * 1024));
    servesTheNewVersion(stream, read.etag(), file);
  }

  /** A GET of {@code stream} with more header lines, its body read in full. */
  record Answer(int status, String etag, byte[] body) {}

  Answer get(String stream, String... headers) throws Exception {
    StringBuilder request = new StringBuilder("GET " + stream + " HTTP/1.1");
    for (String header : headers) {
      request.append("\r\n").append(header);
    }
    try (RawHttp r = RawHttp.send(port, request.toString(), 0)) {
      return new Answer(r.status, r.headers.get("etag"), r.body());
    }
  }

  /**
   * Waits until the file system's clock has moved past {@code file}'s last change, so that the next
   * change gives it another change time (it ticks in jiffies: a rewrite within the same millisecond
   * as the previous change keeps the change time; docs/streaming.md).
   */
  void awaitFileSystemClockPast(Path file) throws Exception {
    FileTime changed = (FileTime) Files.getAttribute(file, "unix:ctime");
    Path probe = file.resolveSibling(".clock-probe");
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(1))
        .until(
            () -> {
              Files.write(probe, new byte[1]);
              return ((FileTime) Files.getAttribute(probe, "unix:ctime")).compareTo(changed) > 0;
            });
    Files.delete(probe);
  }

  /**
   * What a tag editor that keeps the timestamp does: rewrites the file in place with the same size,
   * then sets the modification time back. Nothing a client already holds may be completed with the
   * new bytes under the old ETag, and nothing cached of the old bytes may answer for the new file.
   */
  @Test
  void sameSizeRewriteWithTheModificationTimeRestoredNeverMixesVersions() throws Exception {
    Path file = library.resolve("victim.wav");
    String stream = streamPath();
    int mib = 1024 * 1024;
    Answer first = get(stream, "Range: bytes=0-" + (mib - 1)); // now in the chunk cache
    assertThat(first.status()).isEqualTo(206);
    String oldEtag = first.etag();

    FileTime modified = Files.getLastModifiedTime(file);
    long size = Files.size(file);
    awaitFileSystemClockPast(file);
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
      byte[] patch = new byte[2 * mib]; // over the cached first MiB and past it, not the header
      Arrays.fill(patch, (byte) 0x55);
      raf.seek(64 * 1024);
      raf.write(patch);
    }
    Files.setLastModifiedTime(file, modified);
    assertThat(Files.size(file)).isEqualTo(size);
    assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    byte[] after = Files.readAllBytes(file);

    // the rest of the first response, resumed as a client resumes: not spliced onto the old part
    Answer rest = get(stream, "Range: bytes=" + mib + "-", "If-Range: " + oldEtag);
    assertThat(rest.status())
        .as("If-Range with the old ETag gets the whole new file")
        .isEqualTo(200);
    assertThat(rest.etag()).isNotEqualTo(oldEtag);
    assertThat(rest.body()).isEqualTo(after);

    Answer whole = get(stream);
    assertThat(whole.etag()).isEqualTo(rest.etag());
    assertThat(whole.body()).as("no cached chunk of the old version").isEqualTo(after);

    assertThat(get(stream, "If-Match: " + oldEtag).status()).isEqualTo(412);
  }

  @Test
  void fileReplacedMidStreamNeverMixesVersions() throws Exception {
    Path file = library.resolve("victim.wav");
    byte[] before = Files.readAllBytes(file);
    String stream = streamPath();
    SlowRead read =
        slowRead(
            stream,
            () ->
                Files.move(
                    TestAudio.wav(library.resolve(".victim.tmp"), SIZE, 8),
                    file,
                    StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING));
    byte[] received = read.received();
    if (received.length == read.declared()) {
      assertThat(received).isEqualTo(before);
    } else {
      assertThat(received).isEqualTo(Arrays.copyOf(before, received.length));
    }
    servesTheNewVersion(stream, read.etag(), file);
  }

  @Test
  void fileSwappedForALinkLeavingTheLibraryIsNotFound(@TempDir Path outside) throws Exception {
    Path file = library.resolve("victim.wav");
    String stream = streamPath();
    try (RawHttp first = RawHttp.get(port, stream)) {
      assertThat(first.status).isEqualTo(200); // listed, served, cached
    }
    Path secret = TestAudio.wav(outside.resolve("secret.wav"), SIZE, 9);
    Files.delete(file);
    Files.createSymbolicLink(file, secret);
    try (RawHttp swapped = RawHttp.get(port, stream)) {
      assertThat(swapped.status).isEqualTo(404);
      assertThat(swapped.body()).hasSizeLessThan(4096); // a problem, not the file outside
    }
  }

  @Test
  void shutdownLetsAnInFlightStreamFinish() throws Exception {
    Path file = library.resolve("victim.wav");
    byte[] expected = Files.readAllBytes(file);
    CompletableFuture<Void> closing = new CompletableFuture<>();
    SlowRead read =
        slowRead(
            streamPath(),
            () ->
                CompletableFuture.runAsync(app::close).whenComplete((v, e) -> closing.complete(v)));
    closing.get(60, TimeUnit.SECONDS);
    assertThat(read.received()).isEqualTo(expected);
    app = null;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] all = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
