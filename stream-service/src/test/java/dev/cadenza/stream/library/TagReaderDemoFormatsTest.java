package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.CAFE_NOCTURNE;
import static dev.cadenza.stream.library.LibraryFixtures.DORIAN_WALK;
import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.LOW_WATER;
import static dev.cadenza.stream.library.LibraryFixtures.LYDIAN_RISE;
import static dev.cadenza.stream.library.LibraryFixtures.MORNING_FOG;
import static dev.cadenza.stream.library.LibraryFixtures.PHRYGIAN_DUSK;
import static dev.cadenza.stream.library.LibraryFixtures.SPRING_TIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.jaudiotagger.audio.AudioFileIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** TagReader on every file of the bundled demo library, one per format and more. */
class TagReaderDemoFormatsTest {

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

  private final TagReader reader = new TagReader();

  /** What the demo generator wrote (hack/make-demo-library.sh) and what ffprobe measures. */
  record Expected(
      String path,
      String title,
      String artist,
      String album,
      int track,
      int year,
      String genre,
      long ffprobeDurationMs,
      int sampleRate,
      String codecWord,
      boolean cover) {

    @Override
    public String toString() {
      return path;
    }
  }

  static Stream<Arguments> demoFiles() {
    return Stream.of(
            new Expected(
                FIRST_LIGHT,
                "First Light",
                "Aurora Lane",
                "Dawn Sketches",
                1,
                2024,
                "Ambient",
                14_028,
                44_100,
                "Layer 3",
                true),
            new Expected(
                MORNING_FOG,
                "Morning Fog",
                "Aurora Lane",
                "Dawn Sketches",
                2,
                2024,
                "Ambient",
                10_000,
                22_050,
                "FLAC",
                true),
            new Expected(
                CAFE_NOCTURNE,
                "Café Nocturne — Été",
                "Aurora Lane",
                "Dawn Sketches",
                3,
                2024,
                "Ambient",
                16_007,
                48_000,
                "Opus",
                false),
            new Expected(
                LOW_WATER,
                "Low Water",
                "Aurora Lane",
                "Tides",
                1,
                2025,
                "Electronic",
                12_000,
                44_100,
                "Vorbis",
                false),
            new Expected(
                SPRING_TIDE,
                "Spring Tide",
                "Aurora Lane",
                "Tides",
                2,
                2025,
                "Electronic",
                15_000,
                44_100,
                "AAC",
                true),
            new Expected(
                DORIAN_WALK,
                "Dorian Walk",
                "The Quiet Modes",
                "Seven Modes",
                1,
                2023,
                "Jazz",
                13_035,
                44_100,
                "Layer 3",
                true),
            new Expected(
                LYDIAN_RISE,
                "Lydian Rise",
                "The Quiet Modes",
                "Seven Modes",
                2,
                2023,
                "Jazz",
                11_000,
                44_100,
                "AAC",
                true),
            new Expected(
                PHRYGIAN_DUSK,
                "Phrygian Dusk",
                "The Quiet Modes",
                "Seven Modes",
                3,
                2023,
                "Jazz",
                18_000,
                44_100,
                "Vorbis",
                false))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("demoFiles")
  void readsTagsAndStreamPropertiesOfEveryDemoFormat(Expected expected) throws Exception {
    Path file = LibraryFixtures.demoFile(expected.path());
    AudioFormat format = AudioFormat.forFileName(file.getFileName().toString()).orElseThrow();

    FileTags read = reader.read(file, format, Files.size(file));
    TrackTags tags = read.tags();
    AudioProperties audio = read.audio();

    assertThat(tags.title()).isEqualTo(expected.title());
    assertThat(tags.artist()).isEqualTo(expected.artist());
    assertThat(tags.album()).isEqualTo(expected.album());
    assertThat(tags.albumArtist()).isEqualTo(expected.artist());
    assertThat(tags.trackNumber()).isEqualTo(expected.track());
    assertThat(tags.discNumber()).isEqualTo(1);
    assertThat(tags.year()).isEqualTo(expected.year());
    assertThat(tags.genre()).isEqualTo(expected.genre());
    assertThat(tags.durationMs()).isCloseTo(expected.ffprobeDurationMs(), within(300L));
    assertThat(audio.sampleRate()).isEqualTo(expected.sampleRate());
    assertThat(audio.channels()).isEqualTo(2);
    assertThat(audio.codec()).containsIgnoringCase(expected.codecWord());
    assertThat(audio.bitrate()).isPositive();
    assertThat(read.hasCover()).isEqualTo(expected.cover());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("demoFiles")
  void readsTheEmbeddedPngCoverOrNoneWhenTheFileHasNone(Expected expected) throws Exception {
    Path file = LibraryFixtures.demoFile(expected.path());
    AudioFormat format = AudioFormat.forFileName(file.getFileName().toString()).orElseThrow();

    Cover cover = reader.cover(file, format);

    if (expected.cover()) {
      assertThat(cover).isNotNull();
      assertThat(cover.mediaType()).isEqualTo("image/png");
      assertThat(cover.data()).startsWith(PNG_SIGNATURE);
      assertThat(cover.data())
          .isEqualTo(AudioFileIO.read(file.toFile()).getTag().getFirstArtwork().getBinaryData());
    } else {
      assertThat(cover).isNull();
    }
  }

  @Test
  void readsAnUntaggedWavWithItsStreamProperties(@TempDir Path dir) throws Exception {
    Path wav = LibraryFixtures.wav(dir.resolve("Rain on the Roof.wav"), 8_000, 1, 1.5);

    FileTags read = reader.read(wav, AudioFormat.WAV, Files.size(wav));
    TrackTags tags = read.tags();
    AudioProperties audio = read.audio();

    assertThat(tags.title()).isNull();
    assertThat(tags.artist()).isNull();
    assertThat(tags.album()).isNull();
    assertThat(tags.trackNumber()).isNull();
    assertThat(tags.year()).isNull();
    assertThat(tags.durationMs()).isCloseTo(1_500L, within(50L));
    assertThat(audio.sampleRate()).isEqualTo(8_000);
    assertThat(audio.channels()).isEqualTo(1);
    assertThat(read.hasCover()).isFalse();
    assertThat(reader.cover(wav, AudioFormat.WAV)).isNull();
  }

  @Test
  void randomBytesNamedMp3AreUnreadable(@TempDir Path dir) throws Exception {
    Path junk = LibraryFixtures.randomBytes(dir.resolve("junk.mp3"), 64 * 1024, 42);

    assertThatThrownBy(() -> reader.read(junk, AudioFormat.MP3, Files.size(junk)))
        .isInstanceOf(TagReader.UnreadableFileException.class);
  }

  @Test
  void flacCutOffInItsMetadataIsUnreadable(@TempDir Path dir) throws Exception {
    Path cut = LibraryFixtures.truncatedFlac(dir.resolve("cut.flac"));

    assertThatThrownBy(() -> reader.read(cut, AudioFormat.FLAC, Files.size(cut)))
        .isInstanceOf(TagReader.UnreadableFileException.class);
  }

  @Test
  void oggVorbisNamedOpusIsUnreadableAsOpus(@TempDir Path dir) throws Exception {
    Path vorbis =
        LibraryFixtures.copy(LibraryFixtures.demoFile(LOW_WATER), dir.resolve("vorbis.opus"));

    assertThatThrownBy(() -> reader.read(vorbis, AudioFormat.OPUS, Files.size(vorbis)))
        .isInstanceOf(TagReader.UnreadableFileException.class)
        .hasMessageContaining("OpusHead");
  }

  @Test
  void truncatedOpusIsUnreadable(@TempDir Path dir) throws Exception {
    byte[] opus = Files.readAllBytes(LibraryFixtures.demoFile(CAFE_NOCTURNE));
    Path cut = Files.write(dir.resolve("cut.opus"), Arrays.copyOf(opus, 40));

    assertThatThrownBy(() -> reader.read(cut, AudioFormat.OPUS, Files.size(cut)))
        .isInstanceOf(TagReader.UnreadableFileException.class);
  }
}
