package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.CAFE_NOCTURNE;
import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.LOW_WATER;
import static dev.cadenza.stream.library.LibraryFixtures.MORNING_FOG;
import static dev.cadenza.stream.library.LibraryFixtures.SPRING_TIDE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.cadenza.protocol.catalog.ReplayGain;
import dev.cadenza.stream.testsupport.CapturedLogs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ReplayGain read from files tagged at test time with jaudiotagger, in each container's own place:
 * ID3v2 TXXX (MP3, WAV), Vorbis comments (FLAC, Ogg Vorbis), MP4 freeform items (M4A). Opus files
 * are written byte by byte in {@link OggOpusReaderTest}.
 */
class TagReaderReplayGainTest {

  private static final Map<String, String> TAGS = ReplayGainFixtures.TAGS;
  private static final ReplayGain EXPECTED = ReplayGainFixtures.EXPECTED;

  private final TagReader reader = new TagReader();

  @TempDir Path dir;

  private FileTags read(Path file) throws Exception {
    AudioFormat format = AudioFormat.forFileName(file.getFileName().toString()).orElseThrow();
    return reader.read(file, format, Files.size(file));
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {FIRST_LIGHT, MORNING_FOG, LOW_WATER, SPRING_TIDE})
  void readsTrackAndAlbumGainAndPeakFromEachContainer(String demo) throws Exception {
    Path file =
        ReplayGainFixtures.demoCopyWith(demo, dir.resolve(Path.of(demo).getFileName()), TAGS);

    FileTags read = read(file);

    assertThat(read.tags().replayGain()).isEqualTo(EXPECTED);
    assertThat(read.tags().title()).as("the other tags stay").isNotNull();
  }

  @Test
  void readsTheId3ChunkOfAWav() throws Exception {
    Path wav = LibraryFixtures.wav(dir.resolve("tone.wav"), 8_000, 1, 1.0);
    ReplayGainFixtures.write(wav, TAGS);

    assertThat(read(wav).tags().replayGain()).isEqualTo(EXPECTED);
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {FIRST_LIGHT, MORNING_FOG, LOW_WATER, SPRING_TIDE, CAFE_NOCTURNE})
  void aFileWithoutReplayGainHasNone(String demo) throws Exception {
    assertThat(read(LibraryFixtures.demoFile(demo)).tags().replayGain()).isEqualTo(ReplayGain.NONE);
  }

  @Test
  void badValuesAreLeftOutAndCountedTheOthersRead() throws Exception {
    Path file =
        ReplayGainFixtures.demoCopyWith(
            MORNING_FOG,
            dir.resolve("bad.flac"),
            Map.of(
                "REPLAYGAIN_TRACK_GAIN", "loud",
                "REPLAYGAIN_TRACK_PEAK", "-0.5",
                "REPLAYGAIN_ALBUM_GAIN", "+1,5 dB"));
    IgnoredTagValues ignored = new IgnoredTagValues();

    FileTags read = reader.read(file, AudioFormat.FLAC, Files.size(file), ignored);

    assertThat(read.tags().replayGain()).isEqualTo(new ReplayGain(null, null, 1.5, null, null));
    assertThat(ignored.count()).isEqualTo(2);
  }

  @Test
  void aScanWithBadValuesCataloguesEveryFileAndLogsThemInOneLine() throws Exception {
    Path root = dir.resolve("library");
    Map<String, String> bad = Map.of("REPLAYGAIN_TRACK_GAIN", "-6.48 dB and more");
    ReplayGainFixtures.demoCopyWith(FIRST_LIGHT, root.resolve("a/1.mp3"), bad);
    ReplayGainFixtures.demoCopyWith(MORNING_FOG, root.resolve("a/2.flac"), bad);
    ReplayGainFixtures.demoCopyWith(LOW_WATER, root.resolve("a/3.ogg"), TAGS);

    try (CapturedLogs logs = CapturedLogs.capture()) {
      Library library = LibraryFixtures.startedLibrary(root);
      try {
        assertThat(library.catalog().tracks()).hasSize(3);
        assertThat(library.catalog().tracks())
            .filteredOn(t -> t.path().endsWith(".ogg"))
            .singleElement()
            .satisfies(t -> assertThat(t.tags().replayGain()).isEqualTo(EXPECTED));
      } finally {
        library.stop();
      }
      assertThat(logs.count(Level.WARN, "malformed tag value")).isEqualTo(1);
      assertThat(logs.count(Level.WARN, "Ignored 2 malformed tag values in this scan"))
          .isEqualTo(1);
    }
  }
}
