package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.testsupport.Helm;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorJar;
import dev.cadenza.testsupport.Ports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar run as the chart's Deployment runs it: the container's environment exactly as
 * rendered (the downward-API namespace resolved, the logging ConfigMap's logback.xml where
 * JAVA_TOOL_OPTIONS points), the API server reached as the chart's ServiceAccount (fabric8's
 * KUBERNETES_IMPERSONATE_* variables standing in for the in-cluster token). It answers the chart's
 * probes, logs at the chart's level, elects itself leader in the release namespace, reconciles
 * examples/minimal.yaml and exits on SIGTERM within the pod's grace period.
 */
class HelmChartDeploymentIT {

  @RegisterExtension static final KubeApi kube = new KubeApi();

  static final String RELEASE = "jar";
  static final String NS = "chart-jar-system";
  static final String MUSIC = "chart-jar";

  @TempDir Path dir;

  @Test
  void packagedJarRunsAsTheChartsDeployment() throws Exception {
    int port = Ports.free();
    Rendered chart =
        Rendered.of(
            RELEASE,
            NS,
            "--set",
            "metrics.port=" + port,
            "--set",
            "logLevel=DEBUG",
            "--set",
            "watchNamespaces={" + MUSIC + "}");
    Deployment deployment = chart.deployment();
    ConfigMap logging = chart.logging();
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);

    try (KubernetesClient admin = kube.newClient()) {
      chart.install(admin, NS, MUSIC);
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), kube.kubeconfig());

      // A ServiceAccount without any binding gets nowhere: impersonation is in force.
      Path nobodyLog = dir.resolve("nobody.log");
      Process nobody =
          start(
              container, logging, kubeconfig, "system:serviceaccount:" + NS + ":nobody", nobodyLog);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(Files.readString(nobodyLog))
                        .contains("\"system:serviceaccount:" + NS + ":nobody\" cannot"));
      } finally {
        nobody.destroyForcibly();
        nobody.waitFor();
      }

      Path log = dir.resolve("operator.log");
      Process operator =
          start(
              container,
              logging,
              kubeconfig,
              "system:serviceaccount:" + NS + ":" + pod.getServiceAccountName(),
              log);
      try {
        String readiness = container.getReadinessProbe().getHttpGet().getPath();
        String liveness = container.getLivenessProbe().getHttpGet().getPath();
        int probePort = container.getPorts().get(0).getContainerPort();
        OperatorJar.awaitOk(operator, log, probePort, readiness);
        assertThat(OperatorJar.status(probePort, liveness)).isEqualTo(200);
        assertThat(Files.readString(log))
            .as("logLevel DEBUG reaches the operator's logging")
            .containsPattern("(?m)^[0-9:.]+ DEBUG ");
        // ready does not mean leader (docs/operator.md): the Lease, named after the release,
        // follows within a few seconds
        KubeApi.awaitLeaseHeld(admin, NS, deployment.getMetadata().getName());

        KubeApi.create(admin, OperatorJar.minimalExample(MUSIC));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(
                            admin.resources(ConfigMap.class).inNamespace(MUSIC).list().getItems())
                        .as("operator log: %s", Files.readString(log))
                        .anySatisfy(
                            c -> assertThat(c.getData()).containsKey("CADENZA_LIBRARY_PATH")));
        operator.destroy(); // SIGTERM, as the kubelet sends
        assertThat(operator.waitFor(pod.getTerminationGracePeriodSeconds(), TimeUnit.SECONDS))
            .as("the operator exits on SIGTERM within terminationGracePeriodSeconds")
            .isTrue();
      } finally {
        operator.destroyForcibly();
        operator.waitFor();
      }
    }
  }

  /**
   * Two replicas as the chart runs them with {@code replicaCount=2}: both ready, one holding the
   * Lease and reconciling; SIGKILL the leader (a node lost, no chance to release the Lease) and the
   * other takes the Lease over and reconciles a change made after the kill.
   */
  @Test
  void secondReplicaTakesOverWhenTheLeaderIsKilled() throws Exception {
    String release = "ha";
    String ns = "chart-ha-system";
    String music = "chart-ha";
    Rendered chart =
        Rendered.of(
            release, ns, "--set", "replicaCount=2", "--set", "watchNamespaces={" + music + "}");
    Deployment deployment = chart.deployment();
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    ConfigMap logging = chart.logging();
    var pod = deployment.getSpec().getTemplate().getSpec();
    Container container = pod.getContainers().get(0);
    String user = "system:serviceaccount:" + ns + ":" + pod.getServiceAccountName();

    try (KubernetesClient admin = kube.newClient()) {
      chart.install(admin, ns, music);
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), kube.kubeconfig());
      // each pod's HOSTNAME is its name: JOSDK's leader-election identity
      Map<String, Process> replicas = new HashMap<>();
      Map<String, Integer> ports = new HashMap<>();
      try {
        for (String name : List.of(release + "-a", release + "-b")) {
          int port = Ports.free();
          ports.put(name, port);
          replicas.put(
              name,
              start(
                  container,
                  logging,
                  kubeconfig,
                  user,
                  dir.resolve(name + ".log"),
                  ns,
                  Map.of("HOSTNAME", name, "CADENZA_HEALTH_PORT", Integer.toString(port))));
        }
        String readiness = container.getReadinessProbe().getHttpGet().getPath();
        for (String name : replicas.keySet()) {
          OperatorJar.awaitOk(
              replicas.get(name), dir.resolve(name + ".log"), ports.get(name), readiness);
        }
        String leader = holder(admin, ns, deployment.getMetadata().getName(), null);
        assertThat(replicas).containsKey(leader);
        String follower =
            replicas.keySet().stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();

        KubeApi.create(admin, OperatorJar.minimalExample(music));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(admin.apps().deployments().inNamespace(music).list().getItems())
                        .singleElement()
                        .satisfies(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(2)));

        replicas.get(leader).destroyForcibly(); // SIGKILL: the Lease is not released
        replicas.get(leader).waitFor();
        long killed = System.nanoTime();
        assertThat(holder(admin, ns, deployment.getMetadata().getName(), leader))
            .isEqualTo(follower);
        System.out.printf(
            "%s took the Lease over %.1f s after %s was killed%n",
            follower, (System.nanoTime() - killed) / 1e9, leader);
        admin
            .genericKubernetesResources("cadenza.dev/v1alpha1", "MusicDelivery")
            .inNamespace(music)
            .withName("jazz")
            .edit(
                md -> {
                  @SuppressWarnings("unchecked")
                  Map<String, Object> spec =
                      (Map<String, Object>) md.getAdditionalProperties().get("spec");
                  spec.put("replicas", 3);
                  return md;
                });
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(admin.apps().deployments().inNamespace(music).list().getItems())
                        .as(
                            "the new leader's log: %s",
                            Files.readString(dir.resolve(follower + ".log")))
                        .singleElement()
                        .satisfies(d -> assertThat(d.getSpec().getReplicas()).isEqualTo(3)));
        assertThat(replicas.get(follower).isAlive()).isTrue();
      } finally {
        for (Process p : replicas.values()) {
          p.destroyForcibly();
          p.waitFor();
        }
      }
    }
  }

  /**
   * The holder of the chart's Lease (named after the release) once it is someone other than {@code
   * not} (null: anyone). A killed leader's Lease runs out after its lease duration, then a follower
   * takes it.
   */
  private static String holder(KubernetesClient admin, String ns, String leaseName, String not) {
    String[] holder = new String[1];
    await()
        .atMost(Duration.ofSeconds(90))
        .untilAsserted(
            () -> {
              Lease lease = admin.resources(Lease.class).inNamespace(ns).withName(leaseName).get();
              assertThat(lease).as("the Lease in %s", ns).isNotNull();
              holder[0] = lease.getSpec().getHolderIdentity();
              assertThat(holder[0]).isNotBlank().isNotEqualTo(not);
            });
    return holder[0];
  }

  /** The chart as {@code helm template} renders it, and the two objects the tests run from. */
  private record Rendered(List<HasMetadata> objects, Deployment deployment, ConfigMap logging) {

    static Rendered of(String release, String ns, String... args) throws Exception {
      String yaml = Helm.template(release, ns, args);
      List<HasMetadata> objects;
      try (KubernetesClient parser = new KubernetesClientBuilder().build()) {
        objects =
            parser.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
      }
      return new Rendered(
          objects, first(objects, Deployment.class), first(objects, ConfigMap.class));
    }

    private static <T> T first(List<HasMetadata> objects, Class<T> type) {
      return objects.stream().filter(type::isInstance).map(type::cast).findFirst().orElseThrow();
    }

    /** The CRD, the release and watched namespaces, then every rendered object, applied. */
    void install(KubernetesClient admin, String ns, String music) throws Exception {
      KubeApi.installCrd(admin);
      KubeApi.createNamespace(admin, ns);
      KubeApi.createNamespace(admin, music);
      for (HasMetadata object : objects) {
        admin.resource(object).forceConflicts().serverSideApply();
      }
    }
  }

  /** Starts the jar with the container's environment, impersonating {@code user}. */
  private Process start(
      Container container, ConfigMap logging, Path kubeconfig, String user, Path log)
      throws Exception {
    return start(container, logging, kubeconfig, user, log, NS, Map.of());
  }

  /**
   * Starts the jar with the container's environment in namespace {@code ns}, impersonating {@code
   * user}, with {@code extra} variables on top (what differs between pods of one Deployment).
   */
  private Process start(
      Container container,
      ConfigMap logging,
      Path kubeconfig,
      String user,
      Path log,
      String ns,
      Map<String, String> extra)
      throws Exception {
    Path logback =
        Files.writeString(dir.resolve("logback.xml"), logging.getData().get("logback.xml"));
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if ("metadata.namespace".equals(e.getValueFrom().getFieldRef().getFieldPath())) {
        env.put(e.getName(), ns);
      } else {
        throw new IllegalStateException("unexpected variable " + e);
      }
    }
    String mount =
        container.getVolumeMounts().stream()
            .filter(m -> m.getName().equals("logging"))
            .findFirst()
            .orElseThrow()
            .getMountPath();
    assertThat(env.get("JAVA_TOOL_OPTIONS")).contains(mount + "/logback.xml");
    env.put(
        "JAVA_TOOL_OPTIONS",
        env.get("JAVA_TOOL_OPTIONS").replace(mount + "/logback.xml", logback.toString()));
    ProcessBuilder pb = OperatorJar.command(log);
    pb.environment().putAll(env);
    // the chart binds all interfaces for the kubelet's probes; servers in tests stay on loopback
    pb.environment().put("CADENZA_HEALTH_ADDRESS", "127.0.0.1");
    pb.environment().putAll(extra);
    pb.environment().put("KUBECONFIG", kubeconfig.toString());
    pb.environment().put("KUBERNETES_IMPERSONATE_USERNAME", user);
    pb.environment()
        .put("KUBERNETES_IMPERSONATE_GROUP", "system:serviceaccounts,system:authenticated");
    return pb.start();
  }
}
