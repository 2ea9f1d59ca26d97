package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.LOW_WATER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.config.CadenzaProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/**
 * What a {@link Library} does with any {@link CatalogSharing}, seen from a lone pod: it scans the
 * library and serves it, rescans when asked and at the rescan interval, keeps its catalogue when a
 * scan fails, and reports all of it in its health. Each implementation runs these tests through a
 * subclass ({@link LocalCatalogSharingTest}, {@link DynamoDbCatalogSharingTest} against dynalite).
 */
abstract class CatalogSharingContract {

  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;

  Path root;
  private final List<Library> libraries = new ArrayList<>();
  private final Map<Library, SimpleMeterRegistry> meters = new HashMap<>();
  private final List<AutoCloseable> resources = new ArrayList<>();

  /** The sharing under test, for one pod, its metrics in {@code meters}. */
  abstract CatalogSharing sharing(SimpleMeterRegistry meters);

  /** The health {@code mode} of a lone pod: it is the scanner. */
  abstract String loneMode();

  @BeforeEach
  void demoLibrary() throws Exception {
    root = LibraryFixtures.copyDemo(tmp.resolve("library"));
  }

  /** Closes {@code resource} after the test, once its libraries have stopped. */
  <T extends AutoCloseable> T closeLater(T resource) {
    resources.add(resource);
    return resource;
  }

  @AfterEach
  void haltLibraries() throws Exception {
    libraries.forEach(Library::halt);
    for (AutoCloseable r : resources) {
      r.close();
    }
  }

  /** A library over {@code root}, not started yet. */
  Library library(Duration rescanInterval) throws Exception {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Library library =
        new Library(
            SharedCatalogFixtures.properties(
                root, rescanInterval, CadenzaProperties.DynamoDb.off()),
            new TagReader(),
            registry,
            sharing(registry));
    meters.put(library, registry);
    return library;
  }

  Library started(Duration rescanInterval) throws Exception {
    Library library = library(rescanInterval);
    library.start();
    libraries.add(library);
    library.awaitFirstScan(30, TimeUnit.SECONDS);
    return library;
  }

  private long scans(Library library) {
    return meters.get(library).timer("cadenza.library.scan").count();
  }

  @Test
  void healthIsOutOfServiceUntilTheFirstScanHasFinished() throws Exception {
    Library library = library(Duration.ZERO);

    assertThat(library.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
    assertThat(library.health().getDetails())
        .containsEntry("reason", "first library scan running")
        .containsKey("mode");
  }

  @Test
  void aLonePodScansTheLibraryOnceAndServesIt() throws Exception {
    Library library = started(Duration.ZERO);

    assertThat(library.catalog().tracks())
        .extracting(Track::id)
        .containsExactlyInAnyOrderElementsOf(
            LibraryFixtures.demoPaths().stream().map(Ids::track).toList());
    assertThat(library.lastScan()).get().extracting(ScanReport::added).isEqualTo(8);
    assertThat(scans(library)).isEqualTo(1);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(library.health().getDetails())
                    .containsEntry("mode", loneMode())
                    .containsEntry("tracks", 8));
    assertThat(library.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void aRescanFindsAddedChangedAndRemovedFiles() throws Exception {
    Library library = started(Duration.ZERO);
    String added = LibraryFixtures.ADDED;
    LibraryFixtures.addChangeAndRemove(root);

    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);

    assertThat(List.of(report.added(), report.changed(), report.removed()))
        .containsExactly(1, 1, 1);
    assertThat(library.lastScan()).contains(report);
    assertThat(library.track(Ids.track(added))).isPresent();
    assertThat(library.track(Ids.track(LOW_WATER))).isEmpty();
    assertThat(library.track(Ids.track(FIRST_LIGHT)).orElseThrow().tags().title())
        .isEqualTo("Dorian Walk");
    assertThat(scans(library)).isEqualTo(2);
  }

  @Test
  void aForgottenTrackComesBackWithTheNextScanWhileItsFileIsThere() throws Exception {
    Library library = started(Duration.ZERO);
    Track forgotten = library.track(Ids.track(LOW_WATER)).orElseThrow();

    library.forget(forgotten);
    assertThat(library.track(forgotten.id())).isEmpty();

    assertThat(library.rescan().get(30, TimeUnit.SECONDS).added()).isEqualTo(1);
    assertThat(library.track(forgotten.id())).contains(forgotten);
  }

  @Test
  void theLibraryIsRescannedAtTheRescanInterval() throws Exception {
    Library library = started(Duration.ofMillis(200));

    await().atMost(WAIT).until(() -> scans(library) >= 3);
  }

  @Test
  void aFailedScanKeepsTheCatalogueInServiceAndShowsTheError() throws Exception {
    Library library = started(Duration.ZERO);
    List<Track> before = library.catalog().tracks();
    Files.move(root, tmp.resolve("moved away"));

    library.rescan().handle((report, failure) -> report).get(30, TimeUnit.SECONDS);

    assertThat(library.catalog().tracks()).isEqualTo(before);
    assertThat(library.health().getStatus()).isEqualTo(Status.UP);
    assertThat(library.health().getDetails())
        .containsEntry("lastError", "library root is missing: " + root);
  }

  @Test
  void aStoppedLibraryTakesNoMoreScans() throws Exception {
    Library library = started(Duration.ofMillis(200));

    library.stop();

    assertThat(library.isRunning()).isFalse();
    assertThatThrownBy(library::rescan).isInstanceOf(RejectedExecutionException.class);
  }
}
