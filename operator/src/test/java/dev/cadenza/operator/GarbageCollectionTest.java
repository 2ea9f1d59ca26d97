package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With a real kube-controller-manager: the Deployment the operator writes is one the Deployment
 * controller acts on, and deleting a MusicDelivery garbage-collects everything it owns.
 */
@ExtendWith(DynaliteExtension.class)
class GarbageCollectionTest {

  static final String NS = "gc";

  @RegisterExtension
  static final OperatorUnderTest operator = OperatorUnderTest.with(TestOperators.settings(NS));

  static final KubeApi kube = operator.kube();

  @Test
  void deploymentControllerActsOnOurDeploymentAndDeletionCollectsOwnedResources(Dynalite dynalite)
      throws Exception {
    Assumptions.assumeTrue(
        kube.startControllerManager(),
        "hack/k8s-test-binaries.sh built no kube-controller-manager");
    KubernetesClient client = kube.client();
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
              assertThat(client.resources(Deployment.class).inNamespace(NS).withName("soul").get())
                  .isNull();
              assertThat(client.resources(ConfigMap.class).inNamespace(NS).withName("soul").get())
                  .isNull();
              assertThat(client.resources(Service.class).inNamespace(NS).withName("soul").get())
                  .isNull();
              assertThat(client.resources(ReplicaSet.class).inNamespace(NS).list().getItems())
                  .isEmpty();
            });
  }
}
