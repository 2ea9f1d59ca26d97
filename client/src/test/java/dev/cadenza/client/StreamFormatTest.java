package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The query a {@link StreamFormat} adds to a stream's URL, and the values it refuses. */
class StreamFormatTest {

  @Test
  void theOriginalAsksForNothing() {
    assertThat(StreamFormat.ORIGINAL.query()).isEmpty();
    assertThat(StreamFormat.ORIGINAL.isOriginal()).isTrue();
    assertThat(StreamFormat.of(null, 0)).isEqualTo(StreamFormat.ORIGINAL);
  }

  @Test
  void aFormatAndABitRateBecomeTheServicesParameters() {
    assertThat(StreamFormat.of("Opus", 96).query()).isEqualTo("?format=opus&bitrate=96");
    assertThat(StreamFormat.of("mp3", 0).query()).isEqualTo("?format=mp3");
    assertThat(StreamFormat.bitRate(128).query()).isEqualTo("?bitrate=128");
    assertThat(StreamFormat.of("raw", 0).isOriginal()).isFalse();
    assertThat(StreamFormat.of("opus", 96)).hasToString("opus at 96 kbit/s");
  }

  @Test
  void anUnknownFormatOrABitRateOutOfRangeIsRefusedWithWhatIsAllowed() {
    assertThatThrownBy(() -> StreamFormat.of("flac", 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown format 'flac': one of opus, mp3, aac, m4a, raw");
    assertThatThrownBy(() -> StreamFormat.of("opus", 10_001))
        .hasMessage("a bit rate is 1 to 10000 kbit/s, got 10001");
    assertThatThrownBy(() -> StreamFormat.of("opus", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> StreamFormat.bitRate(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
