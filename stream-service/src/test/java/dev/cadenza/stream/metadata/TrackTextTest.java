package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrackTextTest {

  @Test
  void fieldsInOrderJoinedByBars() {
    assertThat(TrackText.of("Blue in Green", "Miles Davis", "Kind of Blue", "Jazz", 1959))
        .isEqualTo("Blue in Green | Miles Davis | Kind of Blue | Jazz | 1959");
  }

  @Test
  void missingAndBlankFieldsAreLeftOutAndTheRestTrimmed() {
    assertThat(TrackText.of(" Intro ", null, "  ", "Ambient", null)).isEqualTo("Intro | Ambient");
    assertThat(TrackText.of(null, null, null, null, 2001)).isEqualTo("2001");
    assertThat(TrackText.of(null, null, null, null, null)).isEmpty();
  }
}
