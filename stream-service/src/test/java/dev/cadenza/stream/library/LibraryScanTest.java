package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.DORIAN_WALK;
import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.MORNING_FOG;
import static dev.cadenza.stream.library.LibraryFixtures.PHRYGIAN_DUSK;
import static dev.cadenza.stream.library.LibraryFixtures.SPRING_TIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.cadenza.stream.testsupport.CapturedLogs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Status;

/**
 * Scans of a library holding the demo tracks and everything a real library also holds: corrupt and
 * truncated audio, other files, hidden files, and links both inside and out of it.
 */
class LibraryScanTest {

  private static final String CORRUPT = "Broken/corrupt.mp3";
  private static final String TRUNCATED = "Broken/truncated.flac";
  private static final String LINK_INSIDE = "Favourites/Morning Fog.flac";

  @TempDir Path tmp;

  private Path root;
  private final List<Library> libraries = new ArrayList<>();

  @BeforeEach
  void buildLibrary() throws Exception {
    root = tmp.resolve("library");
    Path outside = tmp.resolve("outside");
    LibraryFixtures.copyDemo(root);
    LibraryFixtures.randomBytes(root.resolve(CORRUPT), 64 * 1024, 42);
    LibraryFixtures.truncatedFlac(root.resolve(TRUNCATED));
    Files.writeString(root.resolve("notes.txt"), "not audio");
    LibraryFixtures.copy(LibraryFixtures.demoFile(FIRST_LIGHT), root.resolve(".x.mp3"));

    Path outsideFile =
        LibraryFixtures.copy(
            LibraryFixtures.demoFile(DORIAN_WALK), outside.resolve("Elsewhere.mp3"));
    Path outsideDir = outside.resolve("dir");
    LibraryFixtures.copy(LibraryFixtures.demoFile(MORNING_FOG), outsideDir.resolve("Far.flac"));
    Files.createSymbolicLink(root.resolve("Linked Out.mp3"), outsideFile);
    Files.createSymbolicLink(root.resolve("Linked Dir"), outsideDir);
    Files.createDirectories(root.resolve("Favourites"));
    Files.createSymbolicLink(
        root.resolve(LINK_INSIDE), Path.of("..").resolve(MORNING_FOG)); // relative, inside
  }

  @AfterEach
  void stopLibraries() {
    libraries.forEach(Library::stop);
  }

  private Library start(Path dir) throws Exception {
    Library library = LibraryFixtures.startedLibrary(dir);
    libraries.add(library);
    return library;
  }

  private static List<String> paths(Library library) {
    return library.catalog().tracks().stream().map(Track::path).toList();
  }

  private static Map<String, Track> byPath(Library library) {
    return library.catalog().tracks().stream()
        .collect(Collectors.toMap(Track::path, Function.identity()));
  }

  @Test
  void firstScanCataloguesReadableFilesAndCountsCorruptOnesAsSkipped() throws Exception {
    Library library = start(root);

    List<String> expected = new ArrayList<>(LibraryFixtures.demoPaths());
    expected.add(LINK_INSIDE);
    assertThat(paths(library)).containsExactlyInAnyOrderElementsOf(expected);

    ScanReport report = library.lastScan().orElseThrow();
    assertThat(report.files()).as("audio files seen").isEqualTo(11);
    assertThat(report.added()).isEqualTo(9);
    assertThat(report.changed()).isZero();
    assertThat(report.removed()).isZero();
    assertThat(report.skippedCount()).isEqualTo(2);
    assertThat(report.skipped())
        .extracting(ScanReport.SkippedFile::path)
        .containsExactlyInAnyOrder(CORRUPT, TRUNCATED);
    assertThat(report.skipped()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());
    assertThat(report.ignored())
        .as("notes.txt, .x.mp3 and the two links leaving the library")
        .isEqualTo(4);
    assertThat(library.health().getStatus()).isEqualTo(Status.UP);
    assertThat(library.health().getDetails()).containsEntry("tracks", 9);
  }

  @Test
  void linksLeadingOutOfTheLibraryAreNotCatalogued() throws Exception {
    Library library = start(root);

    assertThat(paths(library)).noneMatch(p -> p.startsWith("Linked"));
    Path realRoot = root.toRealPath();
    for (Track t : library.catalog().tracks()) {
      assertThat(t.file().toRealPath()).startsWith(realRoot);
    }
  }

  @Test
  void linkInsideTheLibraryIsCataloguedUnderItsOwnPath() throws Exception {
    Library library = start(root);

    Track linked = byPath(library).get(LINK_INSIDE);
    Track target = byPath(library).get(MORNING_FOG);
    assertThat(linked).isNotNull();
    assertThat(linked.tags().title()).isEqualTo("Morning Fog");
    assertThat(linked.id()).isEqualTo(Ids.track(LINK_INSIDE)).isNotEqualTo(target.id());
    assertThat(linked.size()).isEqualTo(target.size());
  }

  @Test
  void linkLoopsAndDanglingLinksAreIgnored() throws Exception {
    Files.createSymbolicLink(root.resolve("Aurora Lane/Loop"), root.resolve("Aurora Lane"));
    Files.createSymbolicLink(root.resolve("Dangling.mp3"), tmp.resolve("nowhere.mp3"));

    Library library = start(root);

    ScanReport report = library.lastScan().orElseThrow();
    assertThat(report.ignored()).isEqualTo(4 + 2);
    assertThat(paths(library))
        .hasSize(9)
        .noneMatch(p -> p.contains("Loop") || p.contains("Dangling"));
  }

  @Test
  void hiddenFilesAndOtherFilesAreIgnored() throws Exception {
    Library library = start(root);

    assertThat(paths(library)).doesNotContain(".x.mp3", "notes.txt");
  }

  @Test
  void rescanPicksUpAddedChangedAndRemovedFiles() throws Exception {
    Library library = start(root);
    Map<String, Track> before = byPath(library);

    String added = "Extras/Spring Tide (Live).m4a";
    LibraryFixtures.copy(LibraryFixtures.demoFile(SPRING_TIDE), root.resolve(added));
    Path changed = root.resolve(FIRST_LIGHT);
    FileTime oldTime = Files.getLastModifiedTime(changed);
    LibraryFixtures.copy(LibraryFixtures.demoFile(DORIAN_WALK), changed);
    Files.setLastModifiedTime(changed, FileTime.from(oldTime.toInstant().plusSeconds(3600)));
    Files.delete(root.resolve(PHRYGIAN_DUSK));

    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);

    assertThat(report.added()).isEqualTo(1);
    assertThat(report.changed()).isEqualTo(1);
    assertThat(report.removed()).isEqualTo(1);
    assertThat(report.skippedCount()).isEqualTo(2);
    assertThat(library.lastScan()).contains(report);

    Map<String, Track> after = byPath(library);
    assertThat(after).containsKey(added).doesNotContainKey(PHRYGIAN_DUSK).hasSize(9);
    assertThat(library.catalog().track(before.get(PHRYGIAN_DUSK).id())).isEmpty();

    Track oldFirst = before.get(FIRST_LIGHT);
    Track newFirst = after.get(FIRST_LIGHT);
    assertThat(newFirst.id()).isEqualTo(oldFirst.id());
    assertThat(newFirst.etag()).isNotEqualTo(oldFirst.etag());
    assertThat(newFirst.tags().title()).as("tags read again").isEqualTo("Dorian Walk");
    assertThat(library.track(oldFirst.id())).contains(newFirst);

    for (String unchanged : List.of(MORNING_FOG, LINK_INSIDE, SPRING_TIDE)) {
      assertThat(after.get(unchanged)).as(unchanged).isSameAs(before.get(unchanged));
    }
  }

  @Test
  void rescanWithoutChangesReportsNothingAddedChangedOrRemoved() throws Exception {
    Library library = start(root);
    List<Track> before = library.catalog().tracks();

    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);

    assertThat(report.added()).isZero();
    assertThat(report.changed()).isZero();
    assertThat(report.removed()).isZero();
    assertThat(report.files()).isEqualTo(11);
    assertThat(report.skippedCount()).isEqualTo(2);
    assertThat(library.catalog().tracks()).isEqualTo(before);
  }

  @Test
  void touchingAFileGivesItANewEtagOnRescan() throws Exception {
    Library library = start(root);
    Track before = byPath(library).get(SPRING_TIDE);
    Path file = root.resolve(SPRING_TIDE);
    Files.setLastModifiedTime(
        file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(60)));

    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);

    assertThat(report.changed()).isEqualTo(1);
    Track after = library.track(before.id()).orElseThrow();
    assertThat(after.etag()).isNotEqualTo(before.etag());
    assertThat(after.size()).isEqualTo(before.size());
  }

  @Test
  void skippedFileThatBecomesReadableIsAddedOnRescan() throws Exception {
    Library library = start(root);
    LibraryFixtures.copy(LibraryFixtures.demoFile(DORIAN_WALK), root.resolve(CORRUPT));

    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);

    assertThat(report.added()).isEqualTo(1);
    assertThat(report.skippedCount()).isEqualTo(1);
    assertThat(report.skipped())
        .extracting(ScanReport.SkippedFile::path)
        .containsExactly(TRUNCATED);
    assertThat(library.track(Ids.track(CORRUPT)))
        .hasValueSatisfying(t -> assertThat(t.tags().title()).isEqualTo("Dorian Walk"));
  }

  @Test
  void fileThatBecomesCorruptIsDroppedAndSkippedOnRescan() throws Exception {
    Library library = start(root);
    String id = Ids.track(MORNING_FOG);
    assertThat(library.track(id)).isPresent();
    LibraryFixtures.randomBytes(root.resolve(MORNING_FOG), 4096, 7);

    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);

    assertThat(report.removed()).as("the file and the link to it").isEqualTo(2);
    assertThat(report.skippedCount()).isEqualTo(4);
    assertThat(report.skipped())
        .extracting(ScanReport.SkippedFile::path)
        .contains(MORNING_FOG, LINK_INSIDE);
    assertThat(library.track(id)).isEmpty();
    assertThat(library.catalog().tracks()).hasSize(7);
  }

  @Test
  void reportKeepsTheFirstHundredSkippedFilesButCountsAll() throws Exception {
    for (int i = 0; i < 150; i++) {
      LibraryFixtures.randomBytes(
          root.resolve("Junk/" + i + (i % 2 == 0 ? ".flac" : ".m4a")), 512, i);
    }

    Library library = LibraryFixtures.startedLibrary(root, 8);
    libraries.add(library);

    ScanReport report = library.lastScan().orElseThrow();
    assertThat(report.skippedCount()).isEqualTo(152);
    assertThat(report.skipped()).hasSize(100);
    assertThat(library.catalog().tracks()).hasSize(9);
  }

  @Test
  void trackIdsAreStableAcrossRescansAndLibraryInstances() throws Exception {
    Path other = LibraryFixtures.copyDemo(tmp.resolve("another copy"));
    Library first = start(root);
    Library second = start(root);
    Library elsewhere = start(other);

    Map<String, String> ids =
        first.catalog().tracks().stream().collect(Collectors.toMap(Track::path, Track::id));
    assertThat(ids)
        .allSatisfy((path, id) -> assertThat(id).matches(Ids.ID).isEqualTo(Ids.track(path)));
    assertThat(second.catalog().tracks())
        .allSatisfy(t -> assertThat(t.id()).isEqualTo(ids.get(t.path())));
    assertThat(elsewhere.catalog().tracks())
        .hasSize(8)
        .allSatisfy(t -> assertThat(t.id()).isEqualTo(ids.get(t.path())));

    first.rescan().get(30, TimeUnit.SECONDS);
    assertThat(first.catalog().tracks())
        .allSatisfy(t -> assertThat(t.id()).isEqualTo(ids.get(t.path())));
    assertThat(Stream.of(first, second, elsewhere).map(l -> l.catalog().albums().size()))
        .containsExactly(3, 3, 3);
  }

  @Test
  void refreshReadsAChangedFileAgainAndGivesItANewEtag() throws Exception {
    Library library = start(root);
    Track before = library.track(Ids.track(FIRST_LIGHT)).orElseThrow();
    Path file = root.resolve(FIRST_LIGHT);
    LibraryFixtures.copy(LibraryFixtures.demoFile(DORIAN_WALK), file);
    Files.setLastModifiedTime(file, FileTime.from(before.lastModified().plusSeconds(3600)));

    Track after = library.refresh(before, FileVersion.of(file)).orElseThrow();

    assertThat(after.id()).isEqualTo(before.id());
    assertThat(after.etag()).isNotEqualTo(before.etag()).isEqualTo(FileVersion.of(file).etag());
    assertThat(after.tags().title()).isEqualTo("Dorian Walk");
    assertThat(library.track(before.id())).contains(after);
    assertThat(library.refresh(before, FileVersion.of(file)))
        .as("no change: same track")
        .contains(after);
  }

  @Test
  void refreshDropsAFileThatIsNoLongerReadable() throws Exception {
    Library library = start(root);
    Track before = library.track(Ids.track(LibraryFixtures.LOW_WATER)).orElseThrow();
    Path file = LibraryFixtures.randomBytes(root.resolve(LibraryFixtures.LOW_WATER), 1000, 3);

    assertThat(library.refresh(before, FileVersion.of(file))).isEmpty();
    assertThat(library.track(before.id())).isEmpty();
    assertThat(library.catalog().albums())
        .filteredOn(a -> a.title().equals("Tides"))
        .singleElement()
        .satisfies(a -> assertThat(a.tracks()).hasSize(1));
  }

  @Test
  void forgetRemovesATrackFromTheCatalogue() throws Exception {
    Library library = start(root);
    Track gone = library.track(Ids.track(PHRYGIAN_DUSK)).orElseThrow();

    library.forget(gone);

    assertThat(library.track(gone.id())).isEmpty();
    assertThat(library.catalog().tracks()).hasSize(8);
    assertThat(library.catalog().artists())
        .filteredOn(a -> a.name().equals("The Quiet Modes"))
        .singleElement()
        .satisfies(a -> assertThat(a.trackCount()).isEqualTo(2));
  }

  @Test
  void healthIsOutOfServiceUntilTheFirstScanHasFinished() throws Exception {
    Library library =
        new Library(LibraryFixtures.properties(root), new TagReader(), new SimpleMeterRegistry());
    assertThat(library.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);

    library.start();
    libraries.add(library);
    library.awaitFirstScan(30, TimeUnit.SECONDS);

    assertThat(library.health().getStatus()).isEqualTo(Status.UP);
  }

  @Test
  void failedRescanKeepsThePreviousCatalogueInService() throws Exception {
    Library library = start(root);
    List<Track> before = library.catalog().tracks();
    Path moved = Files.move(root, tmp.resolve("moved away"));

    assertThatThrownBy(() -> library.rescan().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class);

    assertThat(library.catalog().tracks()).isEqualTo(before);
    assertThat(library.health().getDetails()).containsKey("lastError");

    Files.move(moved, root);
    ScanReport report = library.rescan().get(30, TimeUnit.SECONDS);
    assertThat(report.removed()).isZero();
    assertThat(library.health().getDetails()).doesNotContainKey("lastError");
  }

  @Test
  void aFailingRescanIsAnErrorOnceWhileItKeepsFailingForTheSameReason() throws Exception {
    Library library = start(root);
    Path moved = Files.move(root, tmp.resolve("moved away"));

    try (CapturedLogs logs = CapturedLogs.capture()) {
      for (int i = 0; i < 3; i++) {
        library.rescan().handle((r, e) -> r).get(30, TimeUnit.SECONDS);
      }
      Files.move(moved, root);
      library.rescan().get(30, TimeUnit.SECONDS);

      assertThat(logs.count(Level.ERROR, "Library scan failed")).isEqualTo(1);
      assertThat(logs.count(Level.INFO, "Library scans succeed again")).isEqualTo(1);
    }
  }

  @Test
  void anUnreadableFileIsWarnedOnceWhenItBecomesUnreadableAndOnceWhenItIsReadableOrGone()
      throws Exception {
    try (CapturedLogs logs = CapturedLogs.capture()) {
      Library library = start(root); // the first scan
      library.rescan().get(30, TimeUnit.SECONDS);
      library.rescan().get(30, TimeUnit.SECONDS);

      assertThat(logs.count(Level.WARN, "Skipped unreadable file '" + CORRUPT + "'")).isEqualTo(1);
      assertThat(logs.count(Level.WARN, "Skipped unreadable file '" + TRUNCATED + "'"))
          .isEqualTo(1);
      assertThat(logs.count(Level.WARN, "Not following 'Linked Out.mp3'")).isEqualTo(1);
      assertThat(logs.count(Level.WARN, "Not following 'Linked Dir'")).isEqualTo(1);
      assertThat(logs.count(Level.WARN, e -> e.getLoggerName().startsWith("dev.cadenza")))
          .as("one warning per problem over three scans")
          .isEqualTo(4);
      assertThat(logs.count(Level.INFO, "2 unreadable")).isEqualTo(3);
      assertThat(logs.count(Level.INFO, "skipped paths: 4 new, 0 no longer")).isEqualTo(1);
      assertThat(logs.count(Level.INFO, "skipped paths: 0 new, 0 no longer")).isEqualTo(2);

      LibraryFixtures.copy(LibraryFixtures.demoFile(FIRST_LIGHT), root.resolve(CORRUPT));
      Files.delete(root.resolve(TRUNCATED));
      library.rescan().get(30, TimeUnit.SECONDS);
      library.rescan().get(30, TimeUnit.SECONDS);

      assertThat(logs.count(Level.INFO, "'" + CORRUPT + "' is readable again")).isEqualTo(1);
      assertThat(logs.count(Level.INFO, "'" + TRUNCATED + "' is gone")).isEqualTo(1);
      assertThat(logs.count(Level.INFO, "0 unreadable")).isEqualTo(2);
      assertThat(logs.count(Level.INFO, "skipped paths: 0 new, 2 no longer")).isEqualTo(1);
      assertThat(logs.count(Level.WARN, e -> e.getLoggerName().startsWith("dev.cadenza")))
          .isEqualTo(4);

      LibraryFixtures.randomBytes(root.resolve(CORRUPT), 64 * 1024, 7); // unreadable again
      library.rescan().get(30, TimeUnit.SECONDS);
      assertThat(logs.count(Level.WARN, "Skipped unreadable file '" + CORRUPT + "'")).isEqualTo(2);
    }
  }
}
