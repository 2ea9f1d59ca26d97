package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files without tags are catalogued under their file and folder names. */
class UntaggedFilesTest {

  @TempDir Path root;

  private Library library;

  @AfterEach
  void stop() {
    if (library != null) {
      library.stop();
    }
  }

  @Test
  void untaggedWavIsCataloguedWithItsFileNameAsTitle() throws Exception {
    LibraryFixtures.wav(root.resolve("Field Recordings/Rain on the Roof.wav"), 8_000, 1, 1.0);
    LibraryFixtures.wav(root.resolve("Field Recordings/Take 2.final.wav"), 11_025, 2, 0.5);

    library = LibraryFixtures.startedLibrary(root);

    assertThat(library.lastScan().orElseThrow().skippedCount()).isZero();
    Track rain = library.track(Ids.track("Field Recordings/Rain on the Roof.wav")).orElseThrow();
    assertThat(rain.displayTitle()).isEqualTo("Rain on the Roof");
    assertThat(rain.format()).isEqualTo(AudioFormat.WAV);
    assertThat(rain.tags().title()).isNull();
    assertThat(rain.audio().sampleRate()).isEqualTo(8_000);
    assertThat(rain.audio().channels()).isEqualTo(1);
    Track take = library.track(Ids.track("Field Recordings/Take 2.final.wav")).orElseThrow();
    assertThat(take.displayTitle()).isEqualTo("Take 2.final");
    assertThat(take.audio().channels()).isEqualTo(2);

    Album album = library.catalog().albums().get(0);
    assertThat(library.catalog().albums()).hasSize(1);
    assertThat(album.title()).as("the folder").isEqualTo("Field Recordings");
    assertThat(album.artist()).isEqualTo("Unknown Artist");
    assertThat(album.tracks()).extracting(Track::displayTitle).contains("Rain on the Roof");
  }

  @Test
  void untaggedFileAtTheRootIsFiledUnderUnknownAlbum() throws Exception {
    LibraryFixtures.wav(root.resolve("loose.wav"), 8_000, 1, 0.25);

    library = LibraryFixtures.startedLibrary(root);

    Track loose = library.catalog().tracks().get(0);
    assertThat(loose.displayTitle()).isEqualTo("loose");
    assertThat(library.catalog().albums())
        .singleElement()
        .satisfies(a -> assertThat(a.title()).isEqualTo("Unknown Album"));
  }
}
