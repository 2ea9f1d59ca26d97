package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OperatorSettingsTest {

  @Test
  void defaultsApplyWhenNothingIsSet() {
    OperatorSettings s = OperatorSettings.from(key -> null);
    assertThat(s.streamImage()).isEqualTo(OperatorSettings.DEFAULT_IMAGE);
    assertThat(s.namespaces()).isEmpty();
    assertThat(s.awsRegion()).isEqualTo("us-east-1");
    assertThat(s.leaseNamespace()).isNull();
    assertThat(s.healthPort()).isEqualTo(8081);
    assertThat(s.healthAddress()).isEqualTo("0.0.0.0");
  }

  @Test
  void watchedNamespacesAreACommaSeparatedListAndRepeatsAreHarmless() {
    OperatorSettings s =
        OperatorSettings.from(Map.of("CADENZA_WATCH_NAMESPACES", " jazz, rock ,jazz ")::get);
    assertThat(s.namespaces()).containsExactlyInAnyOrder("jazz", "rock");
  }

  @Test
  void aBadHealthPortStopsStartUpNamingTheVariable() {
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("CADENZA_HEALTH_PORT", "http")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CADENZA_HEALTH_PORT");
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("CADENZA_HEALTH_PORT", "70000")::get))
        .hasMessageContaining("CADENZA_HEALTH_PORT");
  }
}
