package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
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
    assertThat(s.dynamoDbEndpoint()).as("AWS").isNull();
    assertThat(s.leaseName()).isEqualTo("cadenza-operator");
    assertThat(s.shutdownTimeout()).isEqualTo(Duration.ofSeconds(20));
    assertThat(s.leaseOwner()).as("the Lease stays unowned").isNull();
    assertThat(s.podPolling().port()).as("the pods' management port").isEqualTo(8081);
    assertThat(s.podPolling().interval()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void theLeaseOwnerIsADeploymentName() {
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_LEASE_OWNER", " jazz-cadenza-operator ")::get)
                .leaseOwner())
        .isEqualTo("jazz-cadenza-operator");
    assertThatThrownBy(() -> OperatorSettings.from(Map.of("CADENZA_LEASE_OWNER", "Jazz_")::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CADENZA_LEASE_OWNER must be a Deployment name")
        .hasMessageContaining("'Jazz_'");
  }

  @Test
  void theShutdownTimeoutIsADuration() {
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_SHUTDOWN_TIMEOUT", " 15s ")::get)
                .shutdownTimeout())
        .isEqualTo(Duration.ofSeconds(15));
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_SHUTDOWN_TIMEOUT", "2500ms")::get)
                .shutdownTimeout())
        .isEqualTo(Duration.ofMillis(2500));
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_SHUTDOWN_TIMEOUT", "1m")::get).shutdownTimeout())
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(OperatorSettings.from(Map.of("CADENZA_SHUTDOWN_TIMEOUT", "")::get).shutdownTimeout())
        .isEqualTo(OperatorSettings.DEFAULT_SHUTDOWN_TIMEOUT);
  }

  @Test
  void aBadShutdownTimeoutStopsStartUpNamingTheVariable() {
    for (String bad : new String[] {"20", "0s", "-5s", "5 s", "soon", "2h"}) {
      assertThatThrownBy(
              () -> OperatorSettings.from(Map.of("CADENZA_SHUTDOWN_TIMEOUT", bad)::get), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CADENZA_SHUTDOWN_TIMEOUT")
          .hasMessageContaining(bad);
    }
  }

  @Test
  void theLeaseNameIsSettableAndAnEmptyOneMeansTheDefault() {
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_LEASE_NAME", " jazz-cadenza ")::get).leaseName())
        .isEqualTo("jazz-cadenza");
    assertThat(OperatorSettings.from(Map.of("CADENZA_LEASE_NAME", "a.b-1")::get).leaseName())
        .isEqualTo("a.b-1");
    assertThat(OperatorSettings.from(Map.of("CADENZA_LEASE_NAME", "")::get).leaseName())
        .isEqualTo(OperatorSettings.DEFAULT_LEASE_NAME);
  }

  @Test
  void aBadLeaseNameStopsStartUpNamingTheVariable() {
    for (String bad : new String[] {"Cadenza", "-x", "x-", "a_b", "a..b", "x".repeat(254)}) {
      assertThatThrownBy(() -> OperatorSettings.from(Map.of("CADENZA_LEASE_NAME", bad)::get), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CADENZA_LEASE_NAME")
          .hasMessageContaining(bad);
    }
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

  @Test
  void aDefaultDynamoDbEndpointIsAnHttpOrHttpsUrlWithAHost() {
    assertThat(
            OperatorSettings.from(
                    Map.of("CADENZA_DYNAMODB_ENDPOINT", "http://dynalite.db:8000")::get)
                .dynamoDbEndpoint())
        .isEqualTo("http://dynalite.db:8000");
    assertThat(
            OperatorSettings.from(
                    Map.of("CADENZA_DYNAMODB_ENDPOINT", " https://dynamodb.example ")::get)
                .dynamoDbEndpoint())
        .isEqualTo("https://dynamodb.example");
  }

  @Test
  void anEmptyDefaultDynamoDbEndpointMeansAws() {
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_DYNAMODB_ENDPOINT", "")::get).dynamoDbEndpoint())
        .isNull();
    assertThat(
            OperatorSettings.from(Map.of("CADENZA_DYNAMODB_ENDPOINT", "  ")::get)
                .dynamoDbEndpoint())
        .isNull();
  }

  @Test
  void aBadDefaultDynamoDbEndpointStopsStartUpNamingTheVariable() {
    for (String bad :
        new String[] {"dynalite:8000", "ftp://dynalite", "http://", "http:///path", "not a url"}) {
      assertThatThrownBy(
              () -> OperatorSettings.from(Map.of("CADENZA_DYNAMODB_ENDPOINT", bad)::get), bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("CADENZA_DYNAMODB_ENDPOINT")
          .hasMessageContaining(bad);
    }
  }

  @Test
  void aSpecEndpointWinsOverTheDefault() {
    OperatorSettings s =
        OperatorSettings.from(Map.of("CADENZA_DYNAMODB_ENDPOINT", "http://default:8000")::get);
    assertThat(s.dynamoDbEndpoint(null)).isEqualTo("http://default:8000");
    assertThat(s.dynamoDbEndpoint("")).isEqualTo("http://default:8000");
    assertThat(s.dynamoDbEndpoint("https://spec:443")).isEqualTo("https://spec:443");
    assertThat(OperatorSettings.from(key -> null).dynamoDbEndpoint("")).isNull();
  }
}
