package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one rule of which directories belong to the library, and how the watched changes ({@link
 * PathChanges}) follow it; the scan's side is in {@code LibraryScanTest}.
 */
class LibraryBoundsTest {

  @TempDir Path tmp;
  private Path root;
  private Path outside;

  @BeforeEach
  void tree() throws Exception {
    root = Files.createDirectories(tmp.resolve(".music")); // a hidden root is still the library
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.createDirectories(root.resolve("Artist/.covers"));
    Files.createSymbolicLink(root.resolve("Out"), outside);
    Files.createSymbolicLink(root.resolve("Again"), root.resolve("Artist"));
  }

  @Test
  void theRootAndPlainDirectoriesAndLinksInsideAreEntered() throws Exception {
    LibraryBounds bounds = new LibraryBounds(root);

    assertThat(bounds.directory(root)).isEqualTo(LibraryBounds.Directory.ENTERED);
    assertThat(bounds.directory(root.resolve("Artist"))).isEqualTo(LibraryBounds.Directory.ENTERED);
    assertThat(bounds.directory(root.resolve("Again"))).isEqualTo(LibraryBounds.Directory.ENTERED);
  }

  @Test
  void hiddenDirectoriesAndLinksLeadingOutAreLeftOut() throws Exception {
    LibraryBounds bounds = new LibraryBounds(root);

    assertThat(bounds.directory(root.resolve("Artist/.covers")))
        .isEqualTo(LibraryBounds.Directory.HIDDEN);
    assertThat(bounds.directory(root.resolve("Out"))).isEqualTo(LibraryBounds.Directory.LEADS_OUT);
  }

  @Test
  void aDirectoryWhoseRealPathCannotBeResolvedThrowsForTheCallerToDecide() throws Exception {
    LibraryBounds bounds = new LibraryBounds(root);

    assertThatThrownBy(() -> bounds.directory(root.resolve("Gone")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void watchedChangesLeaveHiddenDirectoriesAndLinksLeadingOutOut() throws Exception {
    Path song = LibraryFixtures.demoFile(LibraryFixtures.FIRST_LIGHT);
    Files.copy(song, root.resolve("Artist/.covers/hidden.mp3"));
    Files.copy(song, outside.resolve("outside.mp3"));
    Files.copy(song, root.resolve("Artist/kept.mp3"));
    PathChanges changes = new PathChanges(root, new TagReader(), (path, line) -> {});

    PathChanges.Applied applied =
        changes.apply(
            Catalog.EMPTY,
            Set.of(
                root.resolve("Artist"),
                root.resolve("Again"),
                root.resolve("Out"),
                root.resolve("Gone")));

    assertThat(applied.catalog().tracks())
        .extracting(Track::path)
        .containsExactlyInAnyOrder("Artist/kept.mp3", "Again/kept.mp3");
  }
}
