package dev.cadenza.operator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.dependent.CredentialsDigest;
import dev.cadenza.operator.dependent.StreamDeployment;
import dev.cadenza.operator.testsupport.DeploymentController;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
    KubeApi.libraryClaim(client, NS, "music", "Bound");
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
  /** The owners of the operator's generated Secret {@code <name>-auth}. */
  static List<OwnerReference> authSecretOwners(String name) {
    return client
        .secrets()
        .inNamespace(NS)
        .withName(name + "-auth")
        .get()
        .getMetadata()
        .getOwnerReferences();
  }

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
    assertThat(container.getReadinessProbe().getHttpGet().getPort().getStrVal())
        .isEqualTo("management");
    assertThat(config.getData()).containsEntry("MANAGEMENT_SERVER_PORT", "8081");
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
                      "jazz-catalog=ACTIVE",
                      "jazz-chunks=ACTIVE",
                      "jazz-sessions=ACTIVE",
                      "jazz-users=ACTIVE");
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
    DeploymentController.reportReady(client, NS, "jazz", 2);

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

    // a hand edit of the ConfigMap is undone, and the pods keep the operator's configuration
    String rolled = configChecksum("rock");
    ConfigMap edited =
        client
            .configMaps()
            .inNamespace(NS)
            .withName("rock")
            .edit(c -> new ConfigMapBuilder(c).addToData("CADENZA_CACHE_TTL", "1h").build());
    assertThat(edited.getData()).containsEntry("CADENZA_CACHE_TTL", "1h");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(client.configMaps().inNamespace(NS).withName("rock").get().getData())
                    .containsEntry("CADENZA_CACHE_TTL", "24h"));
    assertThat(configChecksum("rock")).isEqualTo(rolled);
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
    assertThat(replicas("pop")).as("a new Deployment starts at minReplicas").isEqualTo(2);

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

  /**
   * replicas to autoscaling and back, playing the HorizontalPodAutoscaler (no controllers here):
   * the Deployment keeps its count (raised to minReplicas), never the API server's default of 1,
   * the operator leaves the autoscaler's count alone, and switching back gives the spec's count.
   */
  @Test
  void switchingBetweenReplicasAndAutoscalingNeverDropsTheReplicaCount() {
    String library = "library: {persistentVolumeClaim: music}\nDYNAMO_swing\n";
    apply("swing", "replicas: 3\n" + library);
    await().atMost(Duration.ofSeconds(30)).until(() -> replicas("swing"), r -> r != null && r == 3);
    List<Integer> seen = new CopyOnWriteArrayList<>();
    try (Watch watch =
        client
            .apps()
            .deployments()
            .inNamespace(NS)
            .withName("swing")
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Deployment d) {
                    seen.add(d.getSpec().getReplicas());
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                })) {
      apply("swing", "autoscaling: {minReplicas: 2, maxReplicas: 6}\n" + library);
      awaitReconciled("swing");
      eventually(HorizontalPodAutoscaler.class, "swing");
      assertThat(replicas("swing")).as("the count it had, within min and max").isEqualTo(3);
      assertThat(
              client
                  .resources(Deployment.class)
                  .inNamespace(NS)
                  .withName("swing")
                  .get()
                  .getMetadata()
                  .getManagedFields())
          .extracting(ManagedFieldsEntry::getManager)
          .contains("musicdelivery-handover-to-hpa");

      // the autoscaler's controller scales through the scale subresource
      client.apps().deployments().inNamespace(NS).withName("swing").scale(5);
      String checksum = configChecksum("swing");
      apply(
          "swing",
          "autoscaling: {minReplicas: 2, maxReplicas: 6}\nntp: {servers: [a.example]}\n" + library);
      awaitReconciled("swing");
      assertThat(configChecksum("swing")).as("the spec change was applied").isNotEqualTo(checksum);
      assertThat(replicas("swing")).as("the autoscaler's count stays").isEqualTo(5);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> assertThat(seen).isNotEmpty().last().isEqualTo(5)); // all events arrived
      assertThat(seen).as("every count the Deployment had").allMatch(r -> r != null && r >= 3);

      apply("swing", "replicas: 4\n" + library);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(replicas("swing")).isEqualTo(4);
                assertThat(
                        client
                            .resources(HorizontalPodAutoscaler.class)
                            .inNamespace(NS)
                            .withName("swing")
                            .get())
                    .isNull();
              });

      seen.clear();
      apply("swing", "autoscaling: {minReplicas: 6, maxReplicas: 8}\n" + library);
      awaitReconciled("swing");
      assertThat(replicas("swing")).as("raised to minReplicas").isEqualTo(6);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(seen).isNotEmpty().last().isEqualTo(6));
      assertThat(seen).allMatch(r -> r != null && r >= 4);
    }
  }

  static Integer replicas(String name) {
    Deployment d = client.resources(Deployment.class).inNamespace(NS).withName(name).get();
    return d == null ? null : d.getSpec().getReplicas();
  }

  static String configChecksum(String name) {
    return client
        .resources(Deployment.class)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(StreamDeployment.CONFIG_CHECKSUM);
  }

  /** Waits until the operator has reconciled the resource's latest spec (its status says so). */
  static void awaitReconciled(String name) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> md(name),
            md ->
                md.getStatus() != null
                    && md.getMetadata().getGeneration().equals(md.getStatus().observedGeneration));
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
                  .contains("keep-catalog", "keep-chunks", "keep-sessions", "keep-users")
                  .doesNotContain("drop-catalog", "drop-chunks", "drop-sessions", "drop-users");
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
                assertThat(md("moved").getStatus().tables).hasSize(4);
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
                    .doesNotContain(
                        "moved-catalog", "moved-chunks", "moved-sessions", "moved-users");
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
        .untilAsserted(() -> assertThat(md("blues").getStatus().tables).hasSize(4));
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

  /**
   * Without spec.auth the operator generates the auth Secret once (a random admin password and
   * secret key), which the pods read by reference; it never overwrites it, a rotation of it rolls
   * the pods, and it is owned by the resource only while deletionPolicy is Delete.
   */
  @Test
  void theGeneratedAuthSecretIsMadeOnceRollsThePodsWhenRotatedAndFollowsTheDeletionPolicy() {
    String retain =
        """
        library: {persistentVolumeClaim: music}
        dynamodb: {tablePrefix: soul, endpoint: 'ENDPOINT'}
        """
            .replace("ENDPOINT", dynalite.endpoint().toString());
    apply("soul", retain);

    Secret generated = eventually(Secret.class, "soul-auth");
    String password = decoded(generated, "password");
    assertThat(password).hasSize(24);
    assertThat(Base64.getDecoder().decode(decoded(generated, "secret-key"))).hasSize(32);
    assertThat(generated.getMetadata().getOwnerReferences()).as("Retain keeps it").isEmpty();
    Deployment deployment = eventually(Deployment.class, "soul");
    assertThat(deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv())
        .anySatisfy(
            e -> {
              assertThat(e.getName()).isEqualTo("CADENZA_AUTH_ADMIN_PASSWORD");
              assertThat(e.getValue()).isNull();
              assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("soul-auth");
              assertThat(e.getValueFrom().getSecretKeyRef().getKey()).isEqualTo("password");
            });
    assertThat(eventually(ConfigMap.class, "soul").getData())
        .containsEntry("CADENZA_AUTH_ADMIN_USERNAME", "admin")
        .doesNotContainValue(password);
    String before = credentialsAnnotation("soul");
    assertThat(before).isNotNull();

    // the user rotates the admin password: kept, and the pods roll
    generated.setData(null);
    generated.setStringData(Map.of("password", "chosen-by-the-user"));
    client.resource(generated).update();
    await()
        .atMost(CredentialsDigest.POLL.plusSeconds(30))
        .untilAsserted(() -> assertThat(credentialsAnnotation("soul")).isNotEqualTo(before));
    assertThat(decoded(client.secrets().inNamespace(NS).withName("soul-auth").get(), "password"))
        .isEqualTo("chosen-by-the-user");

    apply(
        "soul", retain.replace("tablePrefix: soul,", "tablePrefix: soul, deletionPolicy: Delete,"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(authSecretOwners("soul"))
                    .singleElement()
                    .satisfies(
                        r -> assertThat(r.getUid()).isEqualTo(md("soul").getMetadata().getUid())));
    apply("soul", retain);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> assertThat(authSecretOwners("soul")).isEmpty());
    assertThat(decoded(client.secrets().inNamespace(NS).withName("soul-auth").get(), "password"))
        .as("never overwritten")
        .isEqualTo("chosen-by-the-user");
  }

  /**
   * Named auth Secrets that do not exist are Degraded AuthSecretInvalid, with a Warning Event and
   * what to create; nothing is generated; once they exist the problem clears.
   */
  @Test
  void aNamedAuthSecretThatIsMissingIsDegradedUntilItIsCreated() {
    apply(
        "funk",
        """
        library: {persistentVolumeClaim: music}
        DYNAMO_funk
        auth:
          adminUsername: root
          adminPasswordSecret: {name: funk-admin}
          secretKeySecret: {name: funk-keys, key: aes}
        """);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(condition("funk", "Degraded")).isNotNull();
              assertDegradedWithWarningEvent("funk", "AuthSecretInvalid");
              assertThat(condition("funk", "Degraded").getMessage())
                  .contains(
                      "spec.auth.adminPasswordSecret: Secret funk-admin not found in namespace"
                          + " music",
                      "kubectl create secret generic funk-admin -n music"
                          + " --from-literal=password=<password>",
                      "spec.auth.secretKeySecret: Secret funk-keys not found");
              assertThat(condition("funk", "Ready").getStatus()).isEqualTo("False");
            });
    assertThat(client.secrets().inNamespace(NS).withName("funk-auth").get())
        .as("nothing generated when both are named")
        .isNull();
    assertThat(eventually(ConfigMap.class, "funk").getData())
        .containsEntry("CADENZA_AUTH_ADMIN_USERNAME", "root");

    for (String[] secret :
        new String[][] {{"funk-admin", "password", "s3cret"}, {"funk-keys", "aes", "a2V5"}}) {
      client
          .resource(
              new SecretBuilder()
                  .withNewMetadata()
                  .withName(secret[0])
                  .withNamespace(NS)
                  .endMetadata()
                  .addToStringData(secret[1], secret[2])
                  .build())
          .create();
    }
    // Secrets are not watched: the poll of their digest finds them
    await()
        .atMost(CredentialsDigest.POLL.plusSeconds(30))
        .untilAsserted(
            () ->
                assertThat(condition("funk", "Degraded").getReason())
                    .isNotEqualTo("AuthSecretInvalid"));
  }

  static String credentialsAnnotation(String name) {
    return client
        .resources(Deployment.class)
        .inNamespace(NS)
        .withName(name)
        .get()
        .getSpec()
        .getTemplate()
        .getMetadata()
        .getAnnotations()
        .get(CredentialsDigest.ANNOTATION);
  }

  static String decoded(Secret secret, String key) {
    return new String(Base64.getDecoder().decode(secret.getData().get(key)), UTF_8);
  }
}
