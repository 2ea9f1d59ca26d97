package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.Diagnostics;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An operator stopped in the middle of creating tables, and its successor. */
@ExtendWith(DynaliteExtension.class)
class OperatorRestartTest {

  static final String NS = "restart";

  @RegisterExtension static final KubeApi kube = new KubeApi();

  @Test
  void operatorRestartedMidReconcileConvergesWithoutDuplicateTables(Dynalite dynalite)
      throws Exception {
    OperatorSettings settings = TestOperators.settings(NS);
    KubernetesClient admin = kube.client();
    KubeApi.installCrd(admin);
    KubeApi.createNamespace(admin, NS);
    // each operator is a process of its own: its own client and caches
    KubernetesClient firstClient = kube.newClient();
    Operator first = CadenzaOperator.create(firstClient, settings, o -> {});
    first.start();
    KubeApi.create(
        admin,
        """
                  apiVersion: cadenza.dev/v1alpha1
                  kind: MusicDelivery
                  metadata: {name: folk, namespace: restart}
                  spec:
                    library: {persistentVolumeClaim: music}
                    dynamodb: {tablePrefix: folk, endpoint: 'ENDPOINT'}
                  """
            .replace("ENDPOINT", dynalite.endpoint().toString()));
    // stop as soon as the tables are being created, before they are ACTIVE
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> dynalite.tableNames().stream().anyMatch(n -> n.startsWith("folk-")));
    first.stop();
    firstClient.close();

    try (KubernetesClient secondClient = kube.newClient()) {
      Operator second = CadenzaOperator.create(secondClient, settings, o -> {});
      second.start();
      try {
        await()
            .atMost(Duration.ofSeconds(120))
            .untilAsserted(
                () -> {
                  MusicDelivery md =
                      admin.resources(MusicDelivery.class).inNamespace(NS).withName("folk").get();
                  assertThat(md.getStatus()).isNotNull();
                  assertThat(md.getStatus().tables)
                      .extracting(t -> t.status)
                      .containsOnly("ACTIVE");
                  assertThat(dynalite.tableNames())
                      .containsExactlyInAnyOrder(
                          "folk-catalog", "folk-chunks", "folk-sessions", "folk-users");
                  assertThat(admin.resources(Deployment.class).inNamespace(NS).list().getItems())
                      .hasSize(1);
                });
      } catch (ConditionTimeoutException e) {
        String report =
            "The second operator did not converge: "
                + e.getMessage()
                + "\n"
                + Diagnostics.section(
                    "MusicDelivery",
                    () ->
                        Serialization.asYaml(
                            admin
                                .resources(MusicDelivery.class)
                                .inNamespace(NS)
                                .withName("folk")
                                .get()))
                + Diagnostics.section("dynalite running", dynalite::running)
                + Diagnostics.section("tables", dynalite::tableNames)
                + Diagnostics.section(
                    "second operator",
                    () ->
                        "started="
                            + second.getRuntimeInfo().isStarted()
                            + ", unhealthy event sources="
                            + second.getRuntimeInfo().unhealthyEventSources())
                + Diagnostics.section("dynalite log", dynalite::log)
                + Diagnostics.threadDump();
        System.out.println(report);
        throw new AssertionError(report, e);
      } finally {
        second.stop();
      }
    }
  }
}
