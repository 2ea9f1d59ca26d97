package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.dependent.StreamDeployment;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator against a real kube-apiserver: what a kubectl apply of a MusicDelivery brings. */
@ExtendWith(DynaliteExtension.class)
class MusicDeliveryReconcilerTest {

  static final String NS = "music";

  /** With what the operator's Deployment sets in its environment. */
  @RegisterExtension
  static final OperatorUnderTest operator =
      OperatorUnderTest.with(
          OperatorSettings.from(
              Map.of(
                      "CADENZA_STREAM_IMAGE", "cadenza/stream:test",
                      "AWS_REGION", "eu-west-1",
                      "CADENZA_WATCH_NAMESPACES", NS)
                  ::get));

  static final KubeApi kube = operator.kube();

  static KubernetesClient client;
  static Dynalite dynalite;

  @BeforeAll
  static void start(Dynalite server) {
    dynalite = server;
    client = kube.client();
  }

  static List<String> tableNames() {
    return dynalite.tableNames();
  }

  static void apply(String name, String spec) {
    // DYNAMO_x stands for a dynamodb block with prefix x on the test's dynalite
    spec =
        spec.replaceAll(
            "DYNAMO_([a-z]+)",
            "dynamodb: {tablePrefix: $1, endpoint: '" + dynalite.endpoint() + "'}");
    KubeApi.applyMusicDelivery(client, NS, name, spec);
  }

  static <T extends HasMetadata> T eventually(Class<T> type, String name) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.resources(type).inNamespace(NS).withName(name).get(), r -> r != null);
  }

  static MusicDelivery md(String name) {
    return KubeApi.musicDelivery(client, NS, name);
  }

  static Condition condition(String name, String type) {
    return KubeApi.condition(client, NS, name, type);
  }

  /** Degraded is True for that reason, and a Warning Event with it is on the resource. */
  static void assertDegradedWithWarningEvent(String name, String reason) {
    assertThat(condition(name, "Degraded").getStatus()).isEqualTo("True");
    assertThat(condition(name, "Degraded").getReason()).isEqualTo(reason);
    assertThat(client.v1().events().inNamespace(NS).list().getItems())
        .filteredOn(e -> e.getInvolvedObject().getName().equals(name))
        .anySatisfy(
            e -> {
              assertThat(e.getType()).isEqualTo("Warning");
              assertThat(e.getReason()).isEqualTo(reason);
            });
  }

  @Test
  void applyBringsConfigPodsServiceAndBudgetAndReadyFollowsThePods() {
    apply(
        "jazz",
        """
        replicas: 2
        library: {persistentVolumeClaim: music, subPath: jazz}
        DYNAMO_jazz
        ntp: {servers: [time.cloudflare.com], pollInterval: 64s, maxOffset: 50ms}
        """);

    ConfigMap config = eventually(ConfigMap.class, "jazz");
    assertThat(config.getData())
        .containsEntry("CADENZA_LIBRARY_PATH", "/music")
        .containsEntry("CADENZA_DYNAMODB_TABLE_PREFIX", "jazz")
        .containsEntry("CADENZA_DYNAMODB_REGION", "eu-west-1")
        .containsEntry("CADENZA_CLOCK_NTP_SERVERS", "time.cloudflare.com")
        .containsEntry("CADENZA_CLOCK_NTP_POLL_INTERVAL", "64s");

    Deployment deployment = eventually(Deployment.class, "jazz");
    var pod = deployment.getSpec().getTemplate().getSpec();
    var container = pod.getContainers().get(0);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    assertThat(container.getImage()).isEqualTo("cadenza/stream:test");
    assertThat(container.getReadinessProbe().getHttpGet().getPath())
        .isEqualTo("/actuator/health/readiness");
    assertThat(container.getLivenessProbe().getHttpGet().getPath())
        .isEqualTo("/actuator/health/liveness");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    assertThat(container.getVolumeMounts())
        .anySatisfy(
            m -> {
              assertThat(m.getMountPath()).isEqualTo("/music");
              assertThat(m.getReadOnly()).isTrue();
              assertThat(m.getSubPath()).isEqualTo("jazz");
            });
    assertThat(pod.getTopologySpreadConstraints()).hasSize(1);
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsKey(StreamDeployment.CONFIG_CHECKSUM)
        .containsEntry("prometheus.io/scrape", "true");
    assertThat(deployment.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getKind()).isEqualTo("MusicDelivery"));

    assertThat(eventually(Service.class, "jazz").getSpec().getPorts().get(0).getPort())
        .isEqualTo(80);
    assertThat(
            eventually(PodDisruptionBudget.class, "jazz").getSpec().getMaxUnavailable().getIntVal())
        .isEqualTo(1);
    assertThat(
            client.resources(HorizontalPodAutoscaler.class).inNamespace(NS).withName("jazz").get())
        .isNull();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(md("jazz").getStatus().tables)
                  .extracting(t -> t.name + "=" + t.status)
                  .containsExactlyInAnyOrder(
                      "jazz-catalog=ACTIVE", "jazz-chunks=ACTIVE", "jazz-sessions=ACTIVE");
              assertThat(md("jazz").getStatus().tables)
                  .allSatisfy(t -> assertThat(t.arn).isNotBlank());
              assertThat(condition("jazz", "Degraded").getStatus()).isEqualTo("False");
              assertThat(condition("jazz", "Degraded").getMessage()).contains("TTL");
              assertThat(condition("jazz", "Ready").getReason()).isEqualTo("StreamPodsNotReady");
              assertThat(condition("jazz", "Progressing").getStatus()).isEqualTo("True");
              assertThat(md("jazz").getStatus().url)
                  .isEqualTo("http://jazz.music.svc.cluster.local");
            });

    // No kubelet here: play the Deployment controller and report two ready pods.
    Deployment live = client.resources(Deployment.class).inNamespace(NS).withName("jazz").get();
    live.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(2)
            .withReadyReplicas(2)
            .withUpdatedReplicas(2)
            .withAvailableReplicas(2)
            .withObservedGeneration(live.getMetadata().getGeneration())
            .build());
    client.resource(live).updateStatus();

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(condition("jazz", "Ready").getStatus()).isEqualTo("True");
              assertThat(client.v1().events().inNamespace(NS).list().getItems())
                  .filteredOn(e -> e.getInvolvedObject().getName().equals("jazz"))
                  .extracting(e -> e.getReason())
                  .contains("StreamPodsReady");
              assertThat(md("jazz").getStatus().readyReplicas).isEqualTo(2);
              assertThat(md("jazz").getStatus().observedGeneration)
                  .isEqualTo(md("jazz").getMetadata().getGeneration());
            });
  }

  @Test
  void specChangeUpdatesTheResourcesAndRollsThePods() {
    apply(
        "rock",
        """
        replicas: 2
        library: {persistentVolumeClaim: music}
        DYNAMO_rock
        ntp: {servers: [a.example]}
        """);
    String before =
        eventually(Deployment.class, "rock")
            .getSpec()
            .getTemplate()
            .getMetadata()
            .getAnnotations()
            .get(StreamDeployment.CONFIG_CHECKSUM);

    apply(
        "rock",
        """
        replicas: 3
        library: {persistentVolumeClaim: music}
        DYNAMO_rock
        ntp: {servers: [a.example, b.example]}
        """);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Deployment d =
                  client.resources(Deployment.class).inNamespace(NS).withName("rock").get();
              assertThat(d.getSpec().getReplicas()).isEqualTo(3);
              assertThat(
                      d.getSpec()
                          .getTemplate()
                          .getMetadata()
                          .getAnnotations()
                          .get(StreamDeployment.CONFIG_CHECKSUM))
                  .isNotEqualTo(before);
              assertThat(
                      client
                          .resources(ConfigMap.class)
                          .inNamespace(NS)
                          .withName("rock")
                          .get()
                          .getData())
                  .containsEntry("CADENZA_CLOCK_NTP_SERVERS", "a.example,b.example");
            });
  }

  @Test
  void autoscalingAndRoutingBringAnAutoscalerAndAnIngress() {
    apply(
        "pop",
        """
        autoscaling: {minReplicas: 2, maxReplicas: 6, targetCPUUtilization: 60}
        library: {persistentVolumeClaim: music}
        DYNAMO_pop
        routing: {host: pop.example.com, controller: ingress-nginx, tls: {secretName: pop-tls}, rateLimit: {requestsPerSecond: 20}}
        """);
    HorizontalPodAutoscaler hpa = eventually(HorizontalPodAutoscaler.class, "pop");
    assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
    assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(6);
    assertThat(hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization())
        .isEqualTo(60);

    Ingress ingress = eventually(Ingress.class, "pop");
    assertThat(ingress.getSpec().getRules().get(0).getHost()).isEqualTo("pop.example.com");
    assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("pop-tls");
    assertThat(ingress.getMetadata().getAnnotations())
        .containsEntry("nginx.ingress.kubernetes.io/upstream-hash-by", "$request_uri")
        .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off")
        .containsEntry("nginx.ingress.kubernetes.io/limit-rps", "20");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(md("pop").getStatus().url).isEqualTo("https://pop.example.com");
              // the TLS Secret is missing: the controller would serve its default certificate
              assertThat(condition("pop", "RoutingReady").getStatus()).isEqualTo("False");
              assertThat(condition("pop", "RoutingReady").getReason())
                  .isEqualTo("TlsSecretInvalid");
              assertThat(condition("pop", "RoutingReady").getMessage())
                  .contains("routing.tls.secretName 'pop-tls' does not exist: create a");
            });
    client
        .resource(
            new SecretBuilder()
                .withNewMetadata()
                .withName("pop-tls")
                .withNamespace(NS)
                .endMetadata()
                .withType("kubernetes.io/tls")
                .addToStringData("tls.crt", "certificate")
                .addToStringData("tls.key", "key")
                .build())
        .create();
    // Secrets are not watched: the recheck finds it
    await()
        .atMost(MusicDeliveryReconciler.RECHECK.plusSeconds(15))
        .untilAsserted(
            () ->
                assertThat(condition("pop", "RoutingReady").getReason())
                    .isEqualTo("IngressApplied"));

    // Dropping autoscaling and routing removes the autoscaler and the ingress.
    apply(
        "pop",
        """
        replicas: 2
        library: {persistentVolumeClaim: music}
        DYNAMO_pop
        """);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(
                      client
                          .resources(HorizontalPodAutoscaler.class)
                          .inNamespace(NS)
                          .withName("pop")
                          .get())
                  .isNull();
              assertThat(client.resources(Ingress.class).inNamespace(NS).withName("pop").get())
                  .isNull();
              assertThat(
                      client
                          .resources(Deployment.class)
                          .inNamespace(NS)
                          .withName("pop")
                          .get()
                          .getSpec()
                          .getReplicas())
                  .isEqualTo(2);
            });
  }

  @Test
  void deleteWithPolicyDeleteRemovesTheTablesAndRetainKeepsThem() {
    apply(
        "keep",
        """
        library: {persistentVolumeClaim: music}
        DYNAMO_keep
        """);
    apply(
        "drop",
        """
        library: {persistentVolumeClaim: music}
        dynamodb: {tablePrefix: drop, deletionPolicy: Delete, endpoint: 'ENDPOINT'}
        """
            .replace("ENDPOINT", dynalite.endpoint().toString()));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(tableNames())
                    .contains("keep-catalog", "keep-chunks", "drop-catalog", "drop-sessions"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> md("drop").getMetadata().getFinalizers(), f -> !f.isEmpty());

    client.resources(MusicDelivery.class).inNamespace(NS).withName("keep").delete();
    client.resources(MusicDelivery.class).inNamespace(NS).withName("drop").delete();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(md("keep")).isNull();
              assertThat(md("drop")).isNull();
              assertThat(tableNames())
                  .contains("keep-catalog", "keep-chunks", "keep-sessions")
                  .doesNotContain("drop-catalog", "drop-chunks", "drop-sessions");
            });
  }

  /**
   * spec.dynamodb.endpoint edited after the tables were made: reported (Degraded, a Warning Event),
   * nothing made or touched at the new endpoint, and deletion goes where the tables were made.
   */
  @Test
  void anEditedEndpointIsReportedAndDeletionGoesWhereTheTablesWereMade() {
    try (Dynalite second = Dynalite.start()) {
      String spec =
          """
          library: {persistentVolumeClaim: music}
          dynamodb: {tablePrefix: moved, deletionPolicy: Delete, endpoint: 'ENDPOINT'}
          """;
      apply("moved", spec.replace("ENDPOINT", dynalite.endpoint().toString()));
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(md("moved").getStatus().tables).hasSize(3);
                assertThat(md("moved").getStatus().dynamodb.endpoint)
                    .as("where the tables were made, recorded")
                    .isEqualTo(dynalite.endpoint().toString());
                assertThat(md("moved").getStatus().dynamodb.region).isEqualTo("eu-west-1");
              });

      apply("moved", spec.replace("ENDPOINT", second.endpoint().toString()));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertDegradedWithWarningEvent("moved", "DynamoDbLocationChanged");
                assertThat(condition("moved", "Degraded").getMessage())
                    .contains(dynalite.endpoint().toString(), second.endpoint().toString());
              });
      assertThat(second.tableNames()).as("nothing made at the new endpoint").isEmpty();
      assertThat(md("moved").getStatus().dynamodb.endpoint)
          .isEqualTo(dynalite.endpoint().toString());
      assertThat(eventually(ConfigMap.class, "moved").getData())
          .as("the pods stay on the tables that exist")
          .containsEntry("CADENZA_DYNAMODB_ENDPOINT", dynalite.endpoint().toString());

      client.resources(MusicDelivery.class).inNamespace(NS).withName("moved").delete();
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertThat(md("moved")).isNull();
                assertThat(tableNames())
                    .as("deleted where they were made")
                    .doesNotContain("moved-catalog", "moved-chunks", "moved-sessions");
              });
    }
  }

  @Test
  void dynamoDbOutageIsDegradedWithAReasonAndRecovers() {
    apply(
        "blues",
        """
        library: {persistentVolumeClaim: music}
        DYNAMO_blues
        """);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(md("blues").getStatus().tables).hasSize(3));
    dynalite.stop();
    try {
      // a spec change makes the operator look again at once
      apply(
          "blues",
          """
          replicas: 3
          library: {persistentVolumeClaim: music}
          DYNAMO_blues
          """);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () -> {
                assertDegradedWithWarningEvent("blues", "DynamoDbUnreachable");
                assertThat(condition("blues", "Ready").getStatus()).isEqualTo("False");
              });
    } finally {
      dynalite.restart();
    }
    apply(
        "blues",
        """
        replicas: 2
        library: {persistentVolumeClaim: music}
        DYNAMO_blues
        """);
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> assertThat(condition("blues", "Degraded").getStatus()).isEqualTo("False"));
  }
}
