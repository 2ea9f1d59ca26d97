package dev.cadenza.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Set;
import java.util.function.Consumer;

/** Operators for tests outside this package: no leader election unless the settings ask. */
public final class TestOperators {

  private TestOperators() {}

  /** The default image, one watched namespace, region eu-west-1, no leader election. */
  public static OperatorSettings settings(String namespace) {
    return new OperatorSettings(OperatorSettings.DEFAULT_IMAGE, Set.of(namespace), "eu-west-1");
  }

  /** An operator with these settings and extra configuration, not yet started. */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Consumer<ConfigurationServiceOverrider> extra) {
    return CadenzaOperator.create(client, settings, extra);
  }

  /** An operator watching one namespace, with metrics to the given sink, not yet started. */
  public static Operator create(KubernetesClient client, String namespace, Metrics metrics) {
    return create(client, settings(namespace), o -> o.withMetrics(metrics));
  }
}
