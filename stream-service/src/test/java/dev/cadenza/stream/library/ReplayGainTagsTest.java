package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.catalog.ReplayGain;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** How leniently ReplayGainTags reads values as tagging tools write them, and what it refuses. */
class ReplayGainTagsTest {

  private static final Path FILE = Path.of("a.flac");

  private static ReplayGain read(String name, String value, IgnoredTagValues ignored) {
    Map<String, String> fields = Map.of(name, value);
    return ReplayGainTags.read(fields::get, FILE, ignored);
  }

  @ParameterizedTest(name = "\"{0}\" is {1} dB")
  @CsvSource(
      delimiter = '|',
      value = {
        "-6.48 dB|-6.48",
        "+1.20 dB|1.2",
        "-6,48 dB|-6.48",
        "  -3 DB  |-3.0",
        "-3dB|-3.0",
        "0.5|0.5",
        ".5 dB|0.5",
        "-6.4849 dB|-6.48",
        "199.99 dB|199.99"
      })
  void readsGainsAsToolsWriteThem(String value, double db) {
    IgnoredTagValues ignored = new IgnoredTagValues();

    ReplayGain gain = read(ReplayGainTags.TRACK_GAIN, value, ignored);

    assertThat(gain.trackGain()).isEqualTo(db);
    assertThat(ignored.count()).isZero();
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(
      strings = {
        "loud",
        "",
        "NaN",
        "Infinity",
        "-Infinity",
        "0x1p3",
        "1e3",
        "1.5f",
        "-6.48 dB -7 dB",
        "- 6 dB",
        "300 dB",
        "-200.01 dB",
        "6.48 LUFS"
      })
  void leavesOutAndCountsAGainThatIsNoNumberInRange(String value) {
    IgnoredTagValues ignored = new IgnoredTagValues();

    ReplayGain gain = read(ReplayGainTags.TRACK_GAIN, value, ignored);

    assertThat(gain).isEqualTo(ReplayGain.NONE);
    assertThat(ignored.count()).isEqualTo(1);
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"-0.5", "101", "0.9 dB", "peak"})
  void leavesOutAPeakOutOfRangeOrWithAUnit(String value) {
    IgnoredTagValues ignored = new IgnoredTagValues();

    assertThat(read(ReplayGainTags.ALBUM_PEAK, value, ignored)).isEqualTo(ReplayGain.NONE);
    assertThat(ignored.count()).isEqualTo(1);
  }

  @ParameterizedTest(name = "R128 {0} is {1} dB")
  @CsvSource({"0,5.0", "-1280,0.0", "256,6.0", "-1234,0.18", "+512,7.0"})
  void convertsR128GainsToReplayGainsReference(String q78, double db) {
    Map<String, String> comments = Map.of(ReplayGainTags.R128_TRACK_GAIN, q78);
    IgnoredTagValues ignored = new IgnoredTagValues();

    ReplayGain gain = ReplayGainTags.readOpus(comments::get, 0, FILE, ignored);

    assertThat(gain.trackGain()).isEqualTo(db);
    assertThat(gain.baseGain()).isNull();
    assertThat(ignored.count()).isZero();
  }
}
