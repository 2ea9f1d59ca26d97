package dev.cadenza.operator.testsupport;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Kubernetes' Deployment controller, for tests where no controller manager runs: writes the status
 * it would write once the Deployment's pods are up.
 */
public final class DeploymentController {

  private DeploymentController() {}

  /**
   * Reports {@code ready} replicas, all updated, ready and available, of the current generation.
   */
  public static void reportReady(
      KubernetesClient client, String namespace, String name, int ready) {
    Deployment live = client.apps().deployments().inNamespace(namespace).withName(name).get();
    live.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(ready)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(ready)
            .withAvailableReplicas(ready)
            .withObservedGeneration(live.getMetadata().getGeneration())
            .build());
    client.resource(live).updateStatus();
  }
}
