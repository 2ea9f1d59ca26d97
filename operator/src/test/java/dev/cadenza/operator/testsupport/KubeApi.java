package dev.cadenza.operator.testsupport;

import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubeapitest.KubeAPIServer;
import io.fabric8.kubeapitest.KubeAPIServerConfigBuilder;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real kube-apiserver and etcd for one test class, from the binaries that
 * hack/k8s-test-binaries.sh builds (no downloads: offline mode), with RBAC authorization and no
 * controllers or nodes. Started on first use and stopped after the class's last test, so classes
 * never see each other's CRDs, namespaces or RBAC:
 *
 * <pre>{@code
 * @RegisterExtension static final KubeApi kube = new KubeApi();
 *
 * @Test
 * void something() {
 *   KubeApi.installCrd(kube.client());
 * }
 * }</pre>
 *
 * <p>Nested classes share their outer class's server.
 */
public final class KubeApi implements AfterAllCallback {

  /**
   * The Kubernetes version whose binaries the tests use (without the leading v): the root pom's
   * kubernetes.version, which the build passes as cadenza.k8s.version.
   */
  public static final String VERSION =
      Objects.requireNonNull(
          System.getProperty("cadenza.k8s.version"),
          "system property cadenza.k8s.version is not set: run the tests through Maven, or pass"
              + " -Dcadenza.k8s.version=<kubernetes.version in pom.xml>");

  private KubeAPIServer server;
  private String kubeconfig;
  private KubernetesClient client;
  private Process controllerManager;
  private ProcessHandle frozen;

  /** The kubeconfig of this class's server (an admin's), starting it on first use. */
  public synchronized String kubeconfig() {
    if (server == null) {
      Path binary = binaries().resolve("kube-apiserver");
      if (!Files.isExecutable(binary)) {
        throw new IllegalStateException(
            "No kube-apiserver at "
                + binary
                + ": run hack/k8s-test-binaries.sh first (.ci/run does)");
      }
      KubeAPIServer started =
          new KubeAPIServer(
              KubeAPIServerConfigBuilder.anAPIServerConfig()
                  .withOfflineMode(true)
                  .withTestDir(testDir().toString())
                  .withApiServerVersion(VERSION)
                  .withUpdateKubeConfig(false)
                  .withStartupTimeout(120_000)
                  .build());
      started.start();
      server = started;
      kubeconfig = server.getKubeConfigYaml();
    }
    return kubeconfig;
  }

  /** An admin client of this class's server, shared by the class and closed after it. */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A new admin client of this class's server, as a separate process would have; close it. */
  public KubernetesClient newClient() {
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig())).build();
  }

  /** Stops what this class started: the clients, the kube-controller-manager and the server. */
  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (context.getParent().flatMap(ExtensionContext::getParent).isPresent()) {
      return; // a nested class: its outer class owns the server
    }
    stop();
  }

  /**
   * Stops the clients, the kube-controller-manager and the server (and its etcd) now, as when an
   * API server goes away under the operator; a later {@link #kubeconfig()} starts a new, empty one.
   */
  public synchronized void stop() {
    if (frozen != null) {
      signal(frozen, "CONT"); // a stopped process would not see the SIGTERM that ends it
      frozen = null;
    }
    if (client != null) {
      client.close();
      client = null;
    }
    if (controllerManager != null) {
      controllerManager.destroy();
      controllerManager = null;
    }
    if (server != null) {
      server.stop();
      server = null;
      kubeconfig = null;
    }
  }

  /**
   * Freezes this class's kube-apiserver (SIGSTOP): its port and connections stay open but nothing
   * is answered, as with a hung server or a network partition. {@link #stop()} thaws it first.
   */
  public synchronized void freeze() {
    String port =
        Integer.toString(URI.create(Config.fromKubeconfig(kubeconfig()).getMasterUrl()).getPort());
    frozen =
        ProcessHandle.current()
            .descendants()
            .filter(
                p -> {
                  List<String> args = List.of(p.info().arguments().orElse(new String[0]));
                  int flag = args.indexOf("--secure-port");
                  return p.info().command().orElse("").endsWith("/kube-apiserver")
                      && flag >= 0
                      && flag + 1 < args.size()
                      && args.get(flag + 1).equals(port);
                })
            .findFirst()
            .orElseThrow(() -> new IllegalStateException("no kube-apiserver on port " + port));
    signal(frozen, "STOP");
  }

  private static void signal(ProcessHandle process, String signal) {
    try {
      int exit =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start().waitFor();
      if (exit != 0) {
        throw new IllegalStateException(
            "kill -" + signal + " " + process.pid() + " exited " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Starts a real kube-controller-manager (garbage collector, Deployment and ReplicaSet
   * controllers) against this class's server, when hack/k8s-test-binaries.sh could build one.
   *
   * @return false when there is no kube-controller-manager binary
   */
  public synchronized boolean startControllerManager() throws IOException {
    if (controllerManager != null) {
      return true;
    }
    Path binary = binaries().resolve("kube-controller-manager");
    if (!Files.isExecutable(binary)) {
      return false;
    }
    Path dir = Files.createTempDirectory("kube-controller-manager-");
    Path config = Files.writeString(dir.resolve("kubeconfig"), kubeconfig());
    controllerManager =
        new ProcessBuilder(
                binary.toString(),
                "--kubeconfig=" + config,
                "--controllers=garbagecollector,deployment-controller,replicaset-controller",
                "--leader-elect=false",
                "--bind-address=127.0.0.1",
                "--secure-port=0")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("kube-controller-manager.log").toFile())
            .start();
    return true;
  }

  private static Path testDir() {
    return Path.of(
        System.getenv()
            .getOrDefault(
                "KUBE_API_TEST_DIR",
                Path.of(System.getProperty("user.home"), ".kubeapitest").toString()));
  }

  private static Path binaries() {
    return testDir().resolve(Path.of("k8s", VERSION + "-linux-amd64"));
  }

  /** Creates (or keeps) a namespace. */
  public static void createNamespace(KubernetesClient client, String name) {
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .serverSideApply();
  }

  /**
   * Creates the PersistentVolumeClaim {@code ns}/{@code name} (ReadOnlyMany, 1Gi) in {@code phase}
   * (Pending, Bound, Lost), which no controller here would ever change: a library as the
   * MusicDeliveries name it.
   */
  public static PersistentVolumeClaim libraryClaim(
      KubernetesClient client, String ns, String name, String phase) {
    PersistentVolumeClaim created =
        client
            .resource(
                new PersistentVolumeClaimBuilder()
                    .withNewMetadata()
                    .withName(name)
                    .withNamespace(ns)
                    .endMetadata()
                    .withNewSpec()
                    .withAccessModes("ReadOnlyMany")
                    .withNewResources()
                    .addToRequests("storage", new Quantity("1Gi"))
                    .endResources()
                    .endSpec()
                    .build())
            .create();
    created.getStatus().setPhase(phase);
    return client.resource(created).updateStatus();
  }

  /** Creates a resource written as YAML. */
  public static GenericKubernetesResource create(KubernetesClient client, String yaml) {
    return client.resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class)).create();
  }

  /**
   * Applies (server-side, as field manager "test") the MusicDelivery {@code ns}/{@code name} with
   * {@code spec}, YAML written from column 0.
   */
  public static void applyMusicDelivery(
      KubernetesClient client, String ns, String name, String spec) {
    String yaml =
        "apiVersion: cadenza.dev/v1alpha1\nkind: MusicDelivery\nmetadata: {name: "
            + name
            + ", namespace: "
            + ns
            + "}\nspec:\n"
            + spec.indent(2);
    client
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .fieldManager("test")
        .forceConflicts()
        .serverSideApply();
  }

  /** The MusicDelivery {@code ns}/{@code name}, or null. */
  public static MusicDelivery musicDelivery(KubernetesClient client, String ns, String name) {
    return client.resources(MusicDelivery.class).inNamespace(ns).withName(name).get();
  }

  /** Its condition of {@code type}, or null while it or its status is missing. */
  public static Condition condition(KubernetesClient client, String ns, String name, String type) {
    MusicDelivery md = musicDelivery(client, ns, name);
    return md == null || md.getStatus() == null ? null : md.getStatus().condition(type);
  }

  /** Applies the committed CRD and waits until the API server serves it. */
  public static void installCrd(KubernetesClient client) throws Exception {
    try (InputStream in =
        Files.newInputStream(Path.of("../crds/musicdeliveries.cadenza.dev-v1.yml"))) {
      installCrd(client, client.apiextensions().v1().customResourceDefinitions().load(in).item());
    }
  }

  /** Applies a CRD (server-side, taking its fields) and waits until the API server serves it. */
  public static void installCrd(KubernetesClient client, CustomResourceDefinition crd) {
    client.resource(crd).forceConflicts().serverSideApply();
    client
        .apiextensions()
        .v1()
        .customResourceDefinitions()
        .withName(crd.getMetadata().getName())
        .waitUntilCondition(
            c ->
                c.getStatus() != null
                    && c.getStatus().getConditions() != null // none yet, right after creation
                    && c.getStatus().getConditions().stream()
                        .anyMatch(
                            x -> x.getType().equals("Established") && x.getStatus().equals("True")),
            60,
            TimeUnit.SECONDS);
  }

  /** The ServiceAccount the operator runs as in the RBAC tests. */
  public static final String OPERATOR_SERVICE_ACCOUNT =
      "system:serviceaccount:cadenza-system:cadenza-operator";

  /**
   * Applies operator/deploy/cluster-role.yaml, binds it to {@link #OPERATOR_SERVICE_ACCOUNT}, and
   * returns a new client that impersonates that ServiceAccount: it can do what the ClusterRole
   * grants and nothing else. Close it after use.
   */
  public KubernetesClient clientWithDeployedClusterRole() throws IOException {
    KubernetesClient admin = client();
    ClusterRole role;
    try (InputStream in = Files.newInputStream(Path.of("deploy/cluster-role.yaml"))) {
      role = admin.rbac().clusterRoles().load(in).item();
    }
    admin.resource(role).serverSideApply();
    admin
        .resource(
            new ClusterRoleBindingBuilder()
                .withNewMetadata()
                .withName("cadenza-operator")
                .endMetadata()
                .withNewRoleRef()
                .withApiGroup("rbac.authorization.k8s.io")
                .withKind("ClusterRole")
                .withName(role.getMetadata().getName())
                .endRoleRef()
                .addNewSubject()
                .withKind("ServiceAccount")
                .withName("cadenza-operator")
                .withNamespace("cadenza-system")
                .endSubject()
                .build())
        .serverSideApply();
    Config config = Config.fromKubeconfig(kubeconfig());
    config.setImpersonateUsername(OPERATOR_SERVICE_ACCOUNT);
    config.setImpersonateGroups("system:serviceaccounts", "system:authenticated");
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Waits until the Lease exists with a holder (a leader elected), and returns it. */
  public static Lease awaitLeaseHeld(KubernetesClient admin, String namespace, String name) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> admin.resources(Lease.class).inNamespace(namespace).withName(name).get(),
            lease ->
                lease != null
                    && lease.getSpec().getHolderIdentity() != null
                    && !lease.getSpec().getHolderIdentity().isBlank());
  }
}
