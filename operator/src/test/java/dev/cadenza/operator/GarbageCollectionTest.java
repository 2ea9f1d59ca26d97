package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * With a real kube-controller-manager: the Deployment the operator writes is one the Deployment
 * controller acts on, and deleting a MusicDelivery garbage-collects everything it owns.
 */
class GarbageCollectionTest {

  static final String NS = "gc";

  @Test
  void deploymentControllerActsOnOurDeploymentAndDeletionCollectsOwnedResources() throws Exception {
    Assumptions.assumeTrue(
        KubeApi.startControllerManager(),
        "hack/k8s-test-binaries.sh built no kube-controller-manager");
    Dynalite.useAsDefaultCredentials();
    try (KubernetesClient client = KubeApi.adminClient();
        Dynalite dynalite = Dynalite.start()) {
      KubeApi.installCrd(client);
      KubeApi.createNamespace(client, NS);
      Operator operator =
          TestOperators.create(
              client, NS, new io.javaoperatorsdk.operator.api.monitoring.Metrics() {});
      operator.start();
      try {
        KubeApi.create(
            client,
            """
                    apiVersion: cadenza.dev/v1alpha1
                    kind: MusicDelivery
                    metadata: {name: soul, namespace: gc}
                    spec:
                      library: {persistentVolumeClaim: music}
                      dynamodb: {tablePrefix: gc-soul, endpoint: 'ENDPOINT'}
                    """
                .replace("ENDPOINT", dynalite.endpoint().toString()));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(client.resources(ReplicaSet.class).inNamespace(NS).list().getItems())
                        .singleElement()
                        .satisfies(
                            rs ->
                                assertThat(rs.getMetadata().getOwnerReferences().get(0).getKind())
                                    .isEqualTo("Deployment")));

        client.resources(MusicDelivery.class).inNamespace(NS).withName("soul").delete();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () -> {
                  assertThat(
                          client.resources(Deployment.class).inNamespace(NS).withName("soul").get())
                      .isNull();
                  assertThat(
                          client.resources(ConfigMap.class).inNamespace(NS).withName("soul").get())
                      .isNull();
                  assertThat(client.resources(Service.class).inNamespace(NS).withName("soul").get())
                      .isNull();
                  assertThat(client.resources(ReplicaSet.class).inNamespace(NS).list().getItems())
                      .isEmpty();
                });
      } finally {
        operator.stop();
      }
    }
  }
}
