package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue saved in the data directory: a restart serves it and reads only the files that
 * changed while the service was down; a damaged or foreign file costs a full scan, never the start.
 */
class CatalogFileTest {

  @TempDir Path root;
  @TempDir Path data;

  private Library library;

  @AfterEach
  void stop() {
    if (library != null) {
      library.stop();
    }
  }

  private Library start(MeterRegistry meters) throws Exception {
    library =
        new Library(
            LibraryFixtures.properties(root),
            new TagReader(),
            meters,
            new LocalCatalogSharing(new CatalogFile(data)));
    library.start();
    library.awaitFirstScan(30, TimeUnit.SECONDS);
    return library;
  }

  private static double filesRead(MeterRegistry meters) {
    return meters.get("cadenza.library.files.read").counter().count();
  }

  /** Runs a library to its first scan's end, then stops it, as a service that is restarted. */
  private Set<Track> runOnce(MeterRegistry meters) throws Exception {
    Library first = start(meters);
    // the file is renamed into place once complete
    await().until(() -> Files.exists(data.resolve(CatalogFile.FILE_NAME)));
    Set<Track> tracks = new HashSet<>(first.catalog().tracks());
    first.stop();
    library = null;
    return tracks;
  }

  @Test
  void aRestartServesTheSavedCatalogueAndReadsNoTagsWhenNothingChanged() throws Exception {
    LibraryFixtures.copyDemo(root);
    MeterRegistry before = new SimpleMeterRegistry();
    Set<Track> scanned = runOnce(before);
    assertThat(filesRead(before)).isEqualTo(scanned.size()).isPositive();

    MeterRegistry after = new SimpleMeterRegistry();
    Library restarted = start(after);
    // ready with the saved catalogue
    assertThat(new HashSet<>(restarted.catalog().tracks())).isEqualTo(scanned);
    await().until(() -> restarted.lastScan().isPresent());
    ScanReport report = restarted.lastScan().orElseThrow();
    assertThat(report.added() + report.changed() + report.removed()).isZero();
    assertThat(filesRead(after)).isZero();
    assertThat(new HashSet<>(restarted.catalog().tracks())).isEqualTo(scanned);
  }

  @Test
  void theSavedCatalogueIsAnnouncedWhenItIsPutInServiceAndAnUnchangedScanAnnouncesNothing()
      throws Exception {
    LibraryFixtures.copyDemo(root);
    runOnce(new SimpleMeterRegistry());
    library =
        new Library(
            LibraryFixtures.properties(root),
            new TagReader(),
            new SimpleMeterRegistry(),
            new LocalCatalogSharing(new CatalogFile(data)));
    List<Catalog> announced = new CopyOnWriteArrayList<>();
    library.onCatalogChange(() -> announced.add(library.catalog()));

    library.start();
    library.awaitFirstScan(30, TimeUnit.SECONDS);
    await().until(() -> library.lastScan().isPresent());

    assertThat(announced).containsExactly(library.catalog()); // the saved one; the scan kept it
    assertThat(announced.get(0).tracks()).hasSize(LibraryFixtures.demoPaths().size());
  }

  @Test
  void aRestartReadsOnlyTheFilesAddedOrChangedAndDropsTheRemovedOnes() throws Exception {
    LibraryFixtures.copyDemo(root);
    Set<Track> scanned = runOnce(new SimpleMeterRegistry());

    LibraryFixtures.addChangeAndRemove(root);
    MeterRegistry after = new SimpleMeterRegistry();
    Library restarted = start(after);
    await().until(() -> restarted.lastScan().isPresent());
    ScanReport report = restarted.lastScan().orElseThrow();
    assertThat(report.added()).isEqualTo(1);
    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.removed()).isEqualTo(1);
    assertThat(filesRead(after)).isEqualTo(2);
    assertThat(restarted.catalog().tracks()).hasSize(scanned.size());
  }

  @Test
  void aDamagedOrForeignFileIsIgnoredAndTheLibraryScannedInFull() throws Exception {
    LibraryFixtures.copyDemo(root);
    Set<Track> scanned = runOnce(new SimpleMeterRegistry());
    Path file = data.resolve(CatalogFile.FILE_NAME);
    byte[] saved = Files.readAllBytes(file);
    CatalogFile catalogFile = new CatalogFile(data);
    assertThat(catalogFile.load(root))
        .hasValueSatisfying(t -> assertThat(t).hasSize(scanned.size()));

    Files.write(file, Arrays.copyOf(saved, saved.length / 2));
    assertThat(catalogFile.load(root)).isEmpty();

    byte[] flipped = saved.clone();
    flipped[flipped.length / 2] ^= 0x40;
    Files.write(file, flipped);
    assertThat(catalogFile.load(root)).isEmpty();

    Files.write(file, saved);
    assertThat(catalogFile.load(data)).as("another library root").isEmpty();

    Files.write(file, new byte[] {1, 2, 3});
    MeterRegistry after = new SimpleMeterRegistry();
    Library restarted = start(after);
    await().until(() -> restarted.lastScan().isPresent());
    assertThat(filesRead(after)).isEqualTo(scanned.size());
    assertThat(new HashSet<>(restarted.catalog().tracks())).isEqualTo(scanned);
    await().until(() -> catalogFile.load(root).isPresent()); // saved again by that scan
  }
}
