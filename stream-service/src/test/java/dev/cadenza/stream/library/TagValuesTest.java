package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TagValuesTest {

  @Test
  void textDropsSurroundingBlanksAndTheNulThatEndsAWavTag() {
    assertThat(TagValues.text("Song\u0000")).isEqualTo("Song");
    assertThat(TagValues.text("  Song Title \u0000\u0000")).isEqualTo("Song Title");
    assertThat(TagValues.text("\u00a0Nara\u3000")).isEqualTo("Nara");
    assertThat(TagValues.text("a\u0000b")).as("inside a value it stays").isEqualTo("a\u0000b");
    assertThat(TagValues.text("\u0000 ")).isNull();
    assertThat(TagValues.text(null)).isNull();
  }

  @Test
  void leadingIntReadsTheNumberBeforeAnyRest() {
    assertThat(TagValues.leadingInt("3/12")).isEqualTo(3);
    assertThat(TagValues.leadingInt("2024-05-01")).isEqualTo(2024);
    assertThat(TagValues.leadingInt("x")).isNull();
  }
}
