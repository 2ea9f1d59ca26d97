package dev.cadenza.stream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cadenza.client.Backoff;
import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.CadenzaException;
import dev.cadenza.client.DownloadProgress;
import dev.cadenza.client.DownloadResult;
import dev.cadenza.client.Track;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's {@code TrackDownloader} against the real stream endpoint, through a proxy that cuts
 * connections: the download resumes with {@code Range} + {@code If-Range} and ends byte for byte
 * equal to the file, or, when the file changed in between, equal to the new file.
 */
class TrackDownloadResumeTest {

  static final int SIZE = 3 * 1024 * 1024;
  static final Backoff QUICK = new Backoff(Duration.ofMillis(5), Duration.ofMillis(50));

  @TempDir static Path library;
  @TempDir Path downloads;
  static TestApp app;
  Path file;
  String trackId;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("victim.wav"), SIZE, 1);
    app = TestApp.start(library);
  }

  @AfterAll
  static void stop() {
    app.app().close();
  }

  @BeforeEach
  void freshFile() throws Exception {
    file = library.resolve("victim.wav");
    TestAudio.wav(file, SIZE, 1);
    List<Track> found = direct().tracks("victim", 10, null).items();
    assertThat(found).hasSize(1);
    trackId = found.get(0).id();
  }

  CadenzaClient direct() {
    return CadenzaClient.create(URI.create("http://127.0.0.1:" + app.port()));
  }

  static CadenzaClient through(DroppingProxy proxy) {
    return CadenzaClient.builder(URI.create("http://127.0.0.1:" + proxy.port()))
        .backoff(QUICK)
        .build();
  }

  @Test
  void aDownloadCutEvery200KiBResumesWithRangeAndMatchesByteForByte() throws Exception {
    try (DroppingProxy proxy = new DroppingProxy(app.port(), i -> 200 * 1024)) {
      Path target = downloads.resolve("victim.wav");
      AtomicLong lastProgress = new AtomicLong();
      DownloadResult result =
          through(proxy)
              .downloader()
              .download(trackId, target, (received, total) -> lastProgress.set(received));

      assertThat(Files.readAllBytes(target)).isEqualTo(Files.readAllBytes(file));
      assertThat(result.bytes()).isEqualTo(Files.size(file));
      assertThat(lastProgress).hasValue(Files.size(file));
      assertThat(result.restarts()).isZero();
      assertThat(result.resumes()).isEqualTo(result.requests() - 1).isGreaterThanOrEqualTo(10);
      List<String> heads = proxy.requestHeads();
      assertThat(heads.get(0)).doesNotContainIgnoringCase("range:");
      assertThat(heads.subList(1, heads.size()))
          .allSatisfy(
              head ->
                  assertThat(head)
                      .containsIgnoringCase("range: bytes=")
                      .containsIgnoringCase("if-range: \"" + result.etag().replace("\"", "")));
    }
  }

  @Test
  void aFileChangedBetweenAttemptsRestartsFromZeroAndEndsWithTheNewBytes() throws Exception {
    byte[] before = Files.readAllBytes(file);
    try (DroppingProxy proxy =
        new DroppingProxy(app.port(), i -> i == 0 ? 300 * 1024 : DroppingProxy.NEVER)) {
      proxy.beforeConnect(
          i -> {
            if (i == 1) {
              replaceFile(SIZE / 2, 2);
            }
          });
      Path target = downloads.resolve("victim.wav");
      List<String> restarts = new CopyOnWriteArrayList<>();
      DownloadResult result =
          through(proxy)
              .downloader()
              .download(
                  trackId,
                  target,
                  new DownloadProgress() {
                    @Override
                    public void onProgress(long received, long total) {}

                    @Override
                    public void onRestart(String oldEtag, String newEtag) {
                      restarts.add(oldEtag + " -> " + newEtag);
                    }
                  });

      byte[] after = Files.readAllBytes(file);
      assertThat(after).isNotEqualTo(before);
      assertThat(Files.readAllBytes(target)).isEqualTo(after);
      assertThat(result.restarts()).isEqualTo(1);
      assertThat(restarts).hasSize(1);
      assertThat(result.requests()).isEqualTo(2);
      assertThat(proxy.requestHeads().get(1)).containsIgnoringCase("if-range:");
    }
  }

  @Test
  void aChangedFileFailsAnOutputStreamDownloadInsteadOfMixingVersions() throws Exception {
    try (DroppingProxy proxy =
        new DroppingProxy(app.port(), i -> i == 0 ? 300 * 1024 : DroppingProxy.NEVER)) {
      proxy.beforeConnect(
          i -> {
            if (i == 1) {
              replaceFile(SIZE, 3);
            }
          });
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class,
              () -> through(proxy).downloader().download(trackId, out, DownloadProgress.NONE));
      assertThat(e.status()).isEqualTo(412);
      assertThat(e.title()).isEqualTo("track changed during download");
      assertThat(out.size()).isLessThan(SIZE);
    }
  }

  @Test
  void anUnknownTrackIsA404WithTheServicesProblem() {
    CadenzaException e =
        catchThrowableOfType(
            CadenzaException.class,
            () ->
                direct()
                    .downloader()
                    .download("AAAAAAAAAAAAAAAA", downloads.resolve("x"), DownloadProgress.NONE));
    assertThat(e.status()).isEqualTo(404);
    assertThat(e.title()).isNotBlank();
  }

  /** A new version of the file, swapped in atomically with a later modification time. */
  void replaceFile(int size, long seed) {
    try {
      Path next = TestAudio.wav(library.resolve(".victim.tmp"), size, seed);
      Files.setLastModifiedTime(next, FileTime.from(Instant.now().plusSeconds(10)));
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
