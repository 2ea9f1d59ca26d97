package dev.cadenza.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import java.util.Set;

/** Operators for tests: one namespace, no leader election, metrics to the given sink. */
public final class TestOperators {

  private TestOperators() {}

  public static Operator create(KubernetesClient client, String namespace, Metrics metrics) {
    return CadenzaOperator.create(
        client,
        new OperatorSettings(OperatorSettings.DEFAULT_IMAGE, Set.of(namespace), "eu-west-1"),
        o -> o.withMetrics(metrics));
  }
}
