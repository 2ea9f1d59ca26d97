package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.DORIAN_WALK;
import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.LOW_WATER;
import static dev.cadenza.stream.library.LibraryFixtures.MORNING_FOG;
import static dev.cadenza.stream.library.LibraryFixtures.SPRING_TIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.testsupport.PrometheusText;
import dev.cadenza.stream.testsupport.TestApp;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jaudiotagger.audio.AudioFile;
import org.jaudiotagger.audio.AudioFileIO;
import org.jaudiotagger.tag.FieldKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files added, changed, renamed, moved in and out, and deleted reach the catalogue API through the
 * library watch: the service runs with {@code rescan-interval=0} (no periodic rescan at all), on a
 * real directory. How fast is the benchmark's business (bench/library-watch.sh); here the waits are
 * generous caps.
 */
class LibraryWatchTest {

  private static final Duration CAP = Duration.ofSeconds(30);

  @TempDir static Path tmp;
  static Path library;
  static TestApp app;
  static CatalogClient api;

  @BeforeAll
  static void start() throws Exception {
    library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    app = TestApp.start(library, "--management.endpoint.health.show-details=always");
    api = new CatalogClient(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @Test
  void aFileCopiedSlowlyInPiecesAppearsWhole() throws Exception {
    byte[] flac = Files.readAllBytes(LibraryFixtures.demoFile(MORNING_FOG));
    Path target = library.resolve("Slow Copies/Morning Fog again.flac");
    Files.createDirectories(target.getParent());
    try (OutputStream out = Files.newOutputStream(target)) {
      int piece = flac.length / 8 + 1;
      for (int at = 0; at < flac.length; at += piece) {
        out.write(flac, at, Math.min(piece, flac.length - at));
        out.flush();
        Thread.sleep(100); // a slow copier, not a wait for the result
      }
    }

    await("the copied file in the catalogue, whole")
        .atMost(CAP)
        .untilAsserted(
            () ->
                assertThat(track("Slow Copies/Morning Fog again.flac"))
                    .containsEntry("title", "Morning Fog")
                    .containsEntry("size", flac.length));
  }

  @Test
  void newTagsShowInTheCatalogue() throws Exception {
    Path file =
        LibraryFixtures.copy(
            LibraryFixtures.demoFile(FIRST_LIGHT), library.resolve("Retagged/First Light.mp3"));
    await("the copy in the catalogue")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(track("Retagged/First Light.mp3")).isNotNull());

    AudioFile audio = AudioFileIO.read(file.toFile());
    audio.getTagOrCreateAndSetDefault().setField(FieldKey.TITLE, "First Light (retagged)");
    audio.commit();

    await("the new title in the catalogue")
        .atMost(CAP)
        .untilAsserted(
            () ->
                assertThat(track("Retagged/First Light.mp3"))
                    .containsEntry("title", "First Light (retagged)"));
  }

  @Test
  void aRenamedFileMovesToItsNewPath() throws Exception {
    Path from =
        LibraryFixtures.copy(
            LibraryFixtures.demoFile(LOW_WATER), library.resolve("Renamed/before.ogg"));
    await("the file under its first name")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(paths()).contains("Renamed/before.ogg"));

    Files.move(from, from.resolveSibling("after.ogg"), StandardCopyOption.ATOMIC_MOVE);

    await("the file under its new name only")
        .atMost(CAP)
        .untilAsserted(
            () ->
                assertThat(paths())
                    .contains("Renamed/after.ogg")
                    .doesNotContain("Renamed/before.ogg"));
  }

  @Test
  void aDirectoryMovedInAppearsAndMovedOutDisappears() throws Exception {
    Path outside = tmp.resolve("outside/Moved Album");
    LibraryFixtures.copy(LibraryFixtures.demoFile(SPRING_TIDE), outside.resolve("01 Tide.m4a"));
    LibraryFixtures.copy(
        LibraryFixtures.demoFile(DORIAN_WALK), outside.resolve("Disc 2/01 Walk.mp3"));

    Files.move(outside, library.resolve("Moved Album"), StandardCopyOption.ATOMIC_MOVE);

    await("both files of the moved-in directory")
        .atMost(CAP)
        .untilAsserted(
            () ->
                assertThat(paths())
                    .contains("Moved Album/01 Tide.m4a", "Moved Album/Disc 2/01 Walk.mp3"));

    // a file added to the moved-in directory's subdirectory: it is watched too
    LibraryFixtures.copy(
        LibraryFixtures.demoFile(FIRST_LIGHT), library.resolve("Moved Album/Disc 2/02 Light.mp3"));
    await("a file added in the moved-in subdirectory")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(paths()).contains("Moved Album/Disc 2/02 Light.mp3"));

    Files.move(library.resolve("Moved Album"), outside, StandardCopyOption.ATOMIC_MOVE);

    await("no track of the moved-out directory")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(paths()).noneMatch(p -> p.startsWith("Moved Album/")));
  }

  @Test
  void aDeletedFileDisappears() throws Exception {
    Path file =
        LibraryFixtures.copy(
            LibraryFixtures.demoFile(FIRST_LIGHT), library.resolve("Deleted/gone.mp3"));
    await("the file in the catalogue")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(paths()).contains("Deleted/gone.mp3"));

    Files.delete(file);

    await("the file out of the catalogue")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(paths()).doesNotContain("Deleted/gone.mp3"));
  }

  @Test
  void eventsAreCountedAndTheHealthSaysTheWatchIsOn() throws Exception {
    LibraryFixtures.copy(
        LibraryFixtures.demoFile(FIRST_LIGHT), library.resolve("Counted/counted.mp3"));
    await("the file in the catalogue")
        .atMost(CAP)
        .untilAsserted(() -> assertThat(paths()).contains("Counted/counted.mp3"));

    CatalogClient management = new CatalogClient(app.managementPort());
    PrometheusText metrics =
        PrometheusText.parse(
            new String(management.body("/actuator/prometheus"), StandardCharsets.UTF_8));
    assertThat(metrics.value("cadenza_library_watch_events_total", "kind", "created")).isPositive();
    assertThat(metrics.value("cadenza_library_watch_directories")).isPositive();
    assertThat(metrics.value("cadenza_library_watch_fallbacks_total")).isZero();
    assertThat(
            management
                .anyJson("/actuator/health")
                .read("$.components.library.details.watch", String.class))
        .isEqualTo("on");
  }

  private static List<String> paths() {
    return api.items("/api/v1/tracks", "limit", "500").stream()
        .map(t -> (String) t.get("path"))
        .toList();
  }

  /** The track at {@code path} as the API lists it, or null. */
  private static Map<String, Object> track(String path) {
    return api.items("/api/v1/tracks", "limit", "500").stream()
        .filter(t -> path.equals(t.get("path")))
        .findFirst()
        .orElse(null);
  }
}
