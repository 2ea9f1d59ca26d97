package dev.cadenza.stream.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QuantityToDataSizeTest {

  final QuantityToDataSize converter = new QuantityToDataSize();

  @ParameterizedTest(name = "{0} = {1} bytes")
  @CsvSource({
    "512Mi, 536870912",
    "256Ki, 262144",
    "1Gi, 1073741824",
    "1.5Gi, 1610612736",
    "500M, 500000000",
    "100k, 100000",
    "2G, 2000000000",
    "512MB, 536870912",
    "256KB, 262144",
    "4096, 4096",
    "' 64Mi ', 67108864",
  })
  void readsKubernetesAndSpringSizes(String text, long bytes) {
    assertThat(converter.convert(text).toBytes()).isEqualTo(bytes);
  }

  @ParameterizedTest
  @CsvSource({"lots", "12Qi", "-", "Mi"})
  void refusesWhatIsNotASizeSayingWhatWouldBe(String text) {
    assertThatThrownBy(() -> converter.convert(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("512Mi");
  }
}
