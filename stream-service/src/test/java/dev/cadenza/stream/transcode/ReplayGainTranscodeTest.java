package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.ReplayGainFixtures;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cadenza.transcoding.replay-gain=track}: the track's ReplayGain is applied when transcoding
 * (the variant's name says by how much), lowered where the tagged peak would clip; ffmpeg's
 * volumedetect hears the difference.
 */
class ReplayGainTranscodeTest {

  static final String DEMO = "Aurora Lane/Dawn Sketches/02 Morning Fog.flac";

  @TempDir Path dir;

  @Test
  void theTracksGainIsAppliedAndHeldBelowClipping() throws Exception {
    Path library = Files.createDirectories(dir.resolve("library"));
    Path tagged =
        ReplayGainFixtures.demoCopyWith(
            DEMO, library.resolve("tagged.flac"), ReplayGainFixtures.TAGS);
    ReplayGainFixtures.demoCopyWith(
        DEMO,
        library.resolve("hot.flac"),
        Map.of("REPLAYGAIN_TRACK_GAIN", "+9.00 dB", "REPLAYGAIN_TRACK_PEAK", "0.500000"));
    TestApp app = TestApp.start(library, "--cadenza.transcoding.replay-gain=track");
    try {
      Map<String, String> variants = new java.util.HashMap<>();
      for (Track t : app.app().getBean(Library.class).catalog().tracks()) {
        HttpResponse<byte[]> r = TranscodeHttp.stream(app, t, "format=opus&bitrate=96");
        assertThat(r.statusCode()).isEqualTo(200);
        variants.put(t.path(), r.headers().firstValue("X-Transcoding").orElseThrow());
        Files.write(dir.resolve(t.path() + ".opus"), r.body());
      }
      // -6.48 dB as tagged (its peak, 0.99, allows +0.1 dB at most)
      assertThat(variants.get("tagged.flac")).startsWith("opus-96-g-648");
      // +9 dB asked, but a peak of 0.5 leaves room for +6.02 dB only
      assertThat(variants.get("hot.flac")).startsWith("opus-96-g602");

      double original = Ffprobe.meanVolume(tagged);
      assertThat(Ffprobe.meanVolume(dir.resolve("tagged.flac.opus")) - original)
          .isCloseTo(-6.48, within(0.5));
      assertThat(Ffprobe.meanVolume(dir.resolve("hot.flac.opus")) - original)
          .isCloseTo(6.02, within(0.5));
    } finally {
      app.app().close();
    }
  }
}
