package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.DeploymentController;
import dev.cadenza.operator.testsupport.Helm;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Helm chart in helm/cadenza-operator, with the real helm that hack/helm.sh installs and the
 * real kube-apiserver of the other tests: it lints and renders for the default values and for
 * ci/full-values.yaml (every option on), the API server accepts every rendered object (server-side
 * dry run), its ClusterRole (all namespaces) or its Roles (watchNamespaces) grant exactly
 * operator/deploy/cluster-role.yaml's rules, the Deployment's environment is what OperatorSettings
 * reads, and the operator, limited to the chart's RBAC by impersonating the chart's ServiceAccount,
 * brings examples/minimal.yaml to Ready, watching all namespaces or one.
 */
class HelmChartTest {

  @RegisterExtension static final KubeApi kube = new KubeApi();

  static final Path FULL_VALUES = Helm.CHART.resolve("ci/full-values.yaml");

  /** A stand-in for prometheus-operator's ServiceMonitor CRD, enough for a dry run. */
  static final String SERVICE_MONITOR_CRD =
      """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: servicemonitors.monitoring.coreos.com}
      spec:
        group: monitoring.coreos.com
        scope: Namespaced
        names: {kind: ServiceMonitor, listKind: ServiceMonitorList, plural: servicemonitors, singular: servicemonitor}
        versions:
          - name: v1
            served: true
            storage: true
            schema:
              openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
      """;

  @Test
  void lintPassesForDefaultAndFullValues() throws Exception {
    String defaults = Helm.ok("lint", "--strict", Helm.kubeVersion(), Helm.CHART.toString());
    assertThat(defaults).contains("1 chart(s) linted, 0 chart(s) failed");
    String full =
        Helm.ok(
            "lint",
            "--strict",
            Helm.kubeVersion(),
            "--namespace",
            "cadenza-system",
            "-f",
            FULL_VALUES.toString(),
            Helm.CHART.toString());
    assertThat(full).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void defaultValuesRenderASecureOperatorAcceptedByTheApiServer() throws Exception {
    List<HasMetadata> objects = render("cadenza-operator", "cadenza-system");
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "CustomResourceDefinition",
            "ServiceAccount",
            "ClusterRole",
            "ClusterRoleBinding",
            "ConfigMap",
            "Deployment",
            "Service");

    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy()).as("rolling updates: leader election").isNull();
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("cadenza-operator");
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("ghcr.io/cadenza/operator:0.1.0");
    assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
    assertThat(container.getResources().getLimits()).containsKey("memory");
    assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
    assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
    assertThat(container.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(container.getPorts())
        .singleElement()
        .satisfies(
            p -> {
              assertThat(p.getName()).isEqualTo("http");
              assertThat(p.getContainerPort()).isEqualTo(8081);
            });
    assertThat(container.getVolumeMounts())
        .extracting(m -> m.getMountPath())
        .contains("/tmp", "/etc/cadenza");

    OperatorSettings settings = settings(deployment, "cadenza-system");
    assertThat(settings)
        .isEqualTo(
            new OperatorSettings(
                OperatorSettings.DEFAULT_IMAGE,
                Set.of(),
                "us-east-1",
                "cadenza-system",
                8081,
                "0.0.0.0",
                null,
                "cadenza-operator",
                OperatorSettings.DEFAULT_SHUTDOWN_TIMEOUT,
                OperatorSettings.PodPolling.DEFAULT,
                "cadenza-operator"));
    assertThat(env(container)).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
    assertThat(env(container).get("JAVA_TOOL_OPTIONS"))
        .contains("-Dlogback.configurationFile=/etc/cadenza/logback.xml");

    ClusterRoleBinding binding = only(objects, ClusterRoleBinding.class);
    assertThat(binding.getRoleRef().getName())
        .isEqualTo(only(objects, ClusterRole.class).getMetadata().getName());
    assertThat(binding.getSubjects())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.getName()).isEqualTo("cadenza-operator");
              assertThat(s.getNamespace()).isEqualTo("cadenza-system");
            });

    dryRun(objects, "cadenza-system");
  }

  @Test
  void fullValuesRenderEveryOptionAcceptedByTheApiServer() throws Exception {
    List<HasMetadata> objects = render("full", "cadenza-full", "-f", FULL_VALUES.toString());
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .containsExactlyInAnyOrder(
            "CustomResourceDefinition",
            "ServiceAccount",
            // watchNamespaces [music, podcasts]: a Role and RoleBinding in each, one for the Lease
            "Role",
            "RoleBinding",
            "Role",
            "RoleBinding",
            "Role",
            "RoleBinding",
            "ConfigMap",
            "Deployment",
            "Service",
            "ServiceMonitor");

    Deployment deployment = only(objects, Deployment.class);
    assertThat(deployment.getMetadata().getName()).isEqualTo("cadenza-operator-full");
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(2);
    var pod = deployment.getSpec().getTemplate().getSpec();
    assertThat(pod.getServiceAccountName()).isEqualTo("cadenza-operator-sa");
    assertThat(pod.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
    assertThat(pod.getTolerations()).hasSize(1);
    assertThat(pod.getAffinity().getPodAntiAffinity()).isNotNull();
    assertThat(pod.getImagePullSecrets()).hasSize(1);
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
        .containsEntry("example.com/team", "platform")
        .containsKey("checksum/logging");
    assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("example.com/cost-centre", "music");
    Container container = pod.getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("registry.example.com/cadenza/operator:0.1.0-rc1");
    assertThat(container.getImagePullPolicy()).isEqualTo("Always");
    assertThat(container.getPorts().get(0).getContainerPort()).isEqualTo(9090);
    assertThat(container.getEnv())
        .filteredOn(e -> e.getName().startsWith("AWS_") && e.getValueFrom() != null)
        .extracting(e -> e.getValueFrom().getSecretKeyRef().getName())
        .containsExactly("cadenza-aws", "cadenza-aws", "cadenza-aws");
    assertThat(env(container)).containsEntry("AWS_MAX_ATTEMPTS", "3");
    assertThat(env(container).get("JAVA_TOOL_OPTIONS")).contains("-XX:+ExitOnOutOfMemoryError");
    assertThat(settings(deployment, "cadenza-full"))
        .isEqualTo(
            new OperatorSettings(
                "registry.example.com/cadenza/stream-service:0.1.0-rc1",
                Set.of("music", "podcasts"),
                "eu-central-1",
                "cadenza-full",
                9090,
                "0.0.0.0",
                "http://dynamodb-local.dynamodb.svc:8000",
                "cadenza-operator-full",
                OperatorSettings.DEFAULT_SHUTDOWN_TIMEOUT,
                OperatorSettings.PodPolling.DEFAULT,
                "cadenza-operator-full"));
    assertThat(only(objects, ServiceAccount.class).getMetadata().getAnnotations())
        .containsKey("eks.amazonaws.com/role-arn");
    assertThat(only(objects, Service.class).getSpec().getPorts().get(0).getPort()).isEqualTo(9090);
    HasMetadata configMap =
        objects.stream().filter(o -> o.getKind().equals("ConfigMap")).findFirst().orElseThrow();
    assertThat(((ConfigMap) configMap).getData().get("logback.xml"))
        .contains("<root level=\"DEBUG\">")
        .contains("<include resource=\"cadenza-operator-loggers.xml\"/>");

    try (KubernetesClient admin = kube.newClient()) {
      CustomResourceDefinition crd =
          admin
              .apiextensions()
              .v1()
              .customResourceDefinitions()
              .load(new ByteArrayInputStream(SERVICE_MONITOR_CRD.getBytes(StandardCharsets.UTF_8)))
              .item();
      KubeApi.installCrd(admin, crd);
      KubeApi.createNamespace(admin, "music");
      KubeApi.createNamespace(admin, "podcasts");
    }
    dryRun(objects, "cadenza-full");
  }

  @Test
  void clusterRoleIsTheDeployedOne() throws Exception {
    ClusterRole chart = only(render("cadenza-operator", "cadenza-system"), ClusterRole.class);
    assertThat(chart.getRules())
        .as("the chart grants exactly what operator/deploy/cluster-role.yaml grants")
        .containsExactlyElementsOf(deployedRules());
  }

  /**
   * With watchNamespaces nothing is granted cluster-wide: each watched namespace gets a Role with
   * every rule of operator/deploy/cluster-role.yaml but the Lease's, and the release namespace a
   * Role with the Lease's; together exactly the deployed rules.
   */
  @Test
  void watchedNamespacesGetRolesWithTheDeployedRules() throws Exception {
    List<HasMetadata> objects =
        render("scoped", "cadenza-system", "--set", "watchNamespaces={music,jazz}");
    assertThat(objects)
        .extracting(HasMetadata::getKind)
        .doesNotContain("ClusterRole", "ClusterRoleBinding");
    List<Role> roles = all(objects, Role.class);
    List<RoleBinding> bindings = all(objects, RoleBinding.class);
    assertThat(roles)
        .extracting(r -> r.getMetadata().getNamespace() + "/" + r.getMetadata().getName())
        .containsExactlyInAnyOrder(
            "music/scoped-cadenza-operator",
            "jazz/scoped-cadenza-operator",
            "cadenza-system/scoped-cadenza-operator-leader-election");
    Role lease = role(roles, "cadenza-system");
    for (String namespace : List.of("music", "jazz")) {
      List<PolicyRule> granted = new ArrayList<>(role(roles, namespace).getRules());
      granted.addAll(lease.getRules().subList(0, 1));
      assertThat(granted)
          .as("the Roles of %s and of the Lease grant exactly cluster-role.yaml's rules", namespace)
          .containsExactlyInAnyOrderElementsOf(deployedRules());
    }
    assertThat(lease.getRules()).hasSize(2);
    assertThat(lease.getRules().get(0).getResources()).containsExactly("leases");
    assertThat(lease.getRules().get(1))
        .as("the leader makes its own Deployment, and only that, the Lease's owner")
        .satisfies(
            r -> {
              assertThat(r.getResources()).containsExactly("deployments");
              assertThat(r.getResourceNames()).containsExactly("scoped-cadenza-operator");
              assertThat(r.getVerbs()).containsExactly("get");
            });
    assertThat(bindings).hasSize(3);
    for (RoleBinding binding : bindings) {
      assertThat(binding.getRoleRef().getKind()).isEqualTo("Role");
      assertThat(binding.getRoleRef().getName()).isEqualTo(binding.getMetadata().getName());
      assertThat(binding.getSubjects())
          .singleElement()
          .satisfies(
              s -> {
                assertThat(s.getKind()).isEqualTo("ServiceAccount");
                assertThat(s.getName()).isEqualTo("scoped-cadenza-operator");
                assertThat(s.getNamespace()).isEqualTo("cadenza-system");
              });
    }

    List<HasMetadata> withoutElection =
        render(
            "scoped",
            "cadenza-system",
            "--set",
            "watchNamespaces={music}",
            "--set",
            "leaderElection.enabled=false");
    assertThat(all(withoutElection, Role.class))
        .as("no Lease, no Role for it")
        .extracting(r -> r.getMetadata().getNamespace())
        .containsExactly("music");
  }

  private static List<PolicyRule> deployedRules() throws Exception {
    try (KubernetesClient client = new KubernetesClientBuilder().build();
        InputStream in = Files.newInputStream(Path.of("deploy/cluster-role.yaml"))) {
      return client.rbac().clusterRoles().load(in).item().getRules();
    }
  }

  private static Role role(List<Role> roles, String namespace) {
    return roles.stream()
        .filter(r -> r.getMetadata().getNamespace().equals(namespace))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void twoReleasesInOneNamespaceCompeteForTwoLeases() throws Exception {
    OperatorSettings jazz =
        settings(only(render("jazz", "cadenza-system"), Deployment.class), "cadenza-system");
    OperatorSettings rock =
        settings(only(render("rock", "cadenza-system"), Deployment.class), "cadenza-system");
    assertThat(jazz.leaseNamespace()).isEqualTo(rock.leaseNamespace()).isEqualTo("cadenza-system");
    assertThat(jazz.leaseName()).isEqualTo("jazz-cadenza-operator");
    assertThat(rock.leaseName()).isEqualTo("rock-cadenza-operator");
  }

  @Test
  void chartRefusesValuesTheOperatorCannotRunWith() throws Exception {
    assertThat(template("--set", "replicaCount=2", "--set", "leaderElection.enabled=false").all())
        .contains("replicaCount > 1 needs leaderElection.enabled");
    assertThat(template("--set", "aws.region=").all()).contains("aws.region must not be empty");
    assertThat(template("--set", "aws.endpoint=dynamodb:8000").all())
        .contains("aws.endpoint must be empty or http(s)://host[:port]");
    assertThat(template("--set", "metrics.port=0").all()).contains("metrics.port must be 1-65535");
    assertThat(template("--set", "logLevel=LOUD").all()).contains("logLevel must be one of");
    assertThat(
            template("--set", "serviceAccount.create=false", "--set", "serviceAccount.name=").all())
        .contains("serviceAccount.name is required");
    Deployment single =
        only(
            render("cadenza-operator", "cadenza-system", "--set", "leaderElection.enabled=false"),
            Deployment.class);
    assertThat(single.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(env(single.getSpec().getTemplate().getSpec().getContainers().get(0)))
        .doesNotContainKey("CADENZA_LEASE_NAMESPACE");
  }

  /**
   * The default chart applied for real; the operator, with the settings of the chart's Deployment
   * and impersonating the chart's ServiceAccount (so only the chart's RBAC applies), elects itself
   * leader in the release namespace and brings examples/minimal.yaml to Ready.
   */
  @Test
  void operatorWithOnlyTheChartsRbacBringsMinimalExampleToReady() throws Exception {
    bringMinimalExampleToReady(
        "chart",
        "helm-system",
        "helm-music",
        (restricted, objects) ->
            assertThat(objects).extracting(HasMetadata::getKind).contains("ClusterRole"));
  }

  /**
   * The chart with one watched namespace applied for real: no ClusterRole, and the operator,
   * impersonating the chart's ServiceAccount, brings examples/minimal.yaml to Ready in that
   * namespace through the Roles alone, while the ServiceAccount can do nothing elsewhere.
   */
  @Test
  void operatorWatchingOneNamespaceNeedsOnlyTheChartsRoles() throws Exception {
    String other = "helm-scoped-other";
    try (KubernetesClient admin = kube.newClient()) {
      KubeApi.createNamespace(admin, other);
    }
    bringMinimalExampleToReady(
        "scoped",
        "helm-scoped-system",
        "helm-scoped-music",
        (restricted, objects) -> {
          assertThat(objects)
              .extracting(HasMetadata::getKind)
              .doesNotContain("ClusterRole", "ClusterRoleBinding");
          assertThatThrownBy(() -> restricted.apps().deployments().inNamespace(other).list())
              .as("no deployments outside the watched namespace")
              .hasMessageContaining("Forbidden");
          assertThatThrownBy(() -> restricted.secrets().inNamespace(other).withName("x").get())
              .as("no secrets outside the watched namespace")
              .hasMessageContaining("Forbidden");
          assertThatThrownBy(
                  () -> restricted.resources(MusicDelivery.class).inAnyNamespace().list())
              .as("no MusicDeliveries cluster-wide")
              .hasMessageContaining("Forbidden");
          assertThatThrownBy(
                  () -> restricted.resources(Lease.class).inNamespace(other).withName("x").get())
              .as("Leases only in the release namespace")
              .hasMessageContaining("Forbidden");
        },
        "--set",
        "watchNamespaces={helm-scoped-music}");
  }

  /** What a test checks with the restricted client, given the rendered objects. */
  interface RbacChecks {
    void check(KubernetesClient restricted, List<HasMetadata> objects) throws Exception;
  }

  /**
   * Applies the chart (with dynalite as aws.endpoint and the extra values), runs the operator with
   * the Deployment's settings impersonating the chart's ServiceAccount, runs the checks, and brings
   * examples/minimal.yaml in {@code musicNamespace} to Ready: its tables in dynalite, its pods told
   * that endpoint, the leader's Lease, named after the release, in the release namespace.
   */
  private static void bringMinimalExampleToReady(
      String release, String namespace, String musicNamespace, RbacChecks checks, String... set)
      throws Exception {
    Dynalite.useAsDefaultCredentials();
    try (KubernetesClient admin = kube.newClient();
        Dynalite dynalite = Dynalite.start()) {
      // dynalite as the installation's DynamoDB (aws.endpoint); the MusicDelivery names none
      List<String> values =
          new ArrayList<>(List.of("--set", "aws.endpoint=" + dynalite.endpoint()));
      values.addAll(List.of(set));
      List<HasMetadata> objects = render(release, namespace, values.toArray(String[]::new));
      Deployment deployment = only(objects, Deployment.class);
      String serviceAccount = only(objects, ServiceAccount.class).getMetadata().getName();
      KubeApi.installCrd(admin);
      KubeApi.createNamespace(admin, namespace);
      KubeApi.createNamespace(admin, musicNamespace);
      for (HasMetadata object : objects) {
        admin.resource(object).forceConflicts().serverSideApply();
      }

      // the operator process of the chart's pod, in this JVM: its environment, no HTTP server
      OperatorSettings fromChart = settings(deployment, namespace);
      OperatorSettings settings =
          new OperatorSettings(
              fromChart.streamImage(),
              fromChart.namespaces(),
              fromChart.awsRegion(),
              fromChart.leaseNamespace(),
              0,
              "127.0.0.1",
              fromChart.dynamoDbEndpoint(),
              fromChart.leaseName(),
              fromChart.shutdownTimeout(),
              fromChart.podPolling(),
              fromChart.leaseOwner());
      assertThat(settings.dynamoDbEndpoint()).isEqualTo(dynalite.endpoint().toString());
      assertThat(settings.leaseName()).isEqualTo(deployment.getMetadata().getName());
      Config config = Config.fromKubeconfig(kube.kubeconfig());
      config.setImpersonateUsername("system:serviceaccount:" + namespace + ":" + serviceAccount);
      config.setImpersonateGroups(
          "system:serviceaccounts", "system:serviceaccounts:" + namespace, "system:authenticated");
      try (KubernetesClient restricted = new KubernetesClientBuilder().withConfig(config).build()) {
        assertThatThrownBy(
                () -> restricted.pods().inNamespace(musicNamespace).withName("x").delete())
            .as(
                "impersonation is in force: the chart lets the operator watch pods, not delete them")
            .hasMessageContaining("Forbidden");
        checks.check(restricted, objects);
        Operator operator = CadenzaOperator.create(restricted, settings, o -> {});
        operator.start();
        try {
          MusicDelivery minimal;
          try (InputStream in = Files.newInputStream(Path.of("../examples/minimal.yaml"))) {
            minimal = admin.resources(MusicDelivery.class).load(in).item();
          }
          minimal.getMetadata().setNamespace(musicNamespace);
          assertThat(minimal.getSpec().dynamodb.endpoint).isNullOrEmpty();
          admin.resource(minimal).create();
          String name = minimal.getMetadata().getName();
          String prefix = minimal.getSpec().dynamodb.tablePrefix;

          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    MusicDelivery md = md(admin, musicNamespace, name);
                    assertThat(md.getStatus()).isNotNull();
                    assertThat(md.getStatus().tables).hasSize(4);
                    assertThat(dynalite.tableNames())
                        .as("the tables are at the chart's aws.endpoint")
                        .contains(
                            prefix + "-catalog",
                            prefix + "-chunks",
                            prefix + "-sessions",
                            prefix + "-users");
                    var podEnv =
                        admin.configMaps().inNamespace(musicNamespace).withName(name).get();
                    assertThat(podEnv).isNotNull();
                    assertThat(podEnv.getData())
                        .as("the pods are told the same endpoint")
                        .containsEntry("CADENZA_DYNAMODB_ENDPOINT", dynalite.endpoint().toString());
                    assertThat(
                            admin
                                .resources(Deployment.class)
                                .inNamespace(musicNamespace)
                                .withName(name)
                                .get())
                        .isNotNull();
                  });
          // leader election in the release namespace, the Lease named after the release
          KubeApi.awaitLeaseHeld(admin, namespace, settings.leaseName());
          // the leader's part of helm uninstall: the chart's Deployment owns the Lease, within the
          // chart's rules, and the holder is left as it was
          assertThat(
                  LeaseOwner.adopt(
                      restricted, namespace, settings.leaseName(), settings.leaseOwner()))
              .isTrue();
          Lease held =
              admin
                  .resources(Lease.class)
                  .inNamespace(namespace)
                  .withName(settings.leaseName())
                  .get();
          assertThat(held.getMetadata().getOwnerReferences())
              .singleElement()
              .satisfies(
                  r -> {
                    assertThat(r.getKind()).isEqualTo("Deployment");
                    assertThat(r.getName()).isEqualTo(deployment.getMetadata().getName());
                    assertThat(r.getUid())
                        .isEqualTo(admin.resource(deployment).get().getMetadata().getUid());
                  });
          assertThat(held.getSpec().getHolderIdentity()).isNotBlank();

          // No kubelet here: play the Deployment controller and report the pods ready.
          int replicas =
              admin
                  .resources(Deployment.class)
                  .inNamespace(musicNamespace)
                  .withName(name)
                  .get()
                  .getSpec()
                  .getReplicas();
          DeploymentController.reportReady(admin, musicNamespace, name, replicas);

          await()
              .atMost(Duration.ofSeconds(60))
              .untilAsserted(
                  () -> {
                    MusicDelivery md = md(admin, musicNamespace, name);
                    assertThat(md.getStatus().conditions)
                        .anySatisfy(
                            c -> {
                              assertThat(c.getType()).isEqualTo("Ready");
                              assertThat(c.getStatus()).isEqualTo("True");
                            })
                        .noneSatisfy(c -> assertThat(c.getReason()).isEqualTo("ReconcileFailed"));
                    assertThat(md.getStatus().readyReplicas).isEqualTo(replicas);
                  });
        } finally {
          operator.stop();
        }
      }
    }
  }

  private static MusicDelivery md(KubernetesClient client, String namespace, String name) {
    return client.resources(MusicDelivery.class).inNamespace(namespace).withName(name).get();
  }

  private static Helm.Result template(String... set) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                "cadenza-operator",
                Helm.CHART.toString(),
                "--namespace",
                "cadenza-system",
                Helm.kubeVersion()));
    args.addAll(List.of(set));
    Helm.Result result = Helm.run(args.toArray(String[]::new));
    assertThat(result.exitCode()).as("helm template %s", List.of(set)).isNotZero();
    return result;
  }

  /** helm template, parsed into objects (a ServiceMonitor as a generic resource). */
  private static List<HasMetadata> render(String release, String namespace, String... extra)
      throws Exception {
    String yaml = Helm.template(release, namespace, extra);
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      return client.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).items();
    }
  }

  /** Every object applied server-side with dryRun=All; the API server must accept each. */
  private static void dryRun(List<HasMetadata> objects, String namespace) throws Exception {
    try (KubernetesClient admin = kube.newClient()) {
      KubeApi.createNamespace(admin, namespace);
      for (HasMetadata object : objects) {
        HasMetadata accepted = admin.resource(object).dryRun().serverSideApply();
        assertThat(accepted.getMetadata().getUid())
            .as("%s %s accepted", object.getKind(), object.getMetadata().getName())
            .isNotNull();
      }
      assertThat(
              admin
                  .apps()
                  .deployments()
                  .inNamespace(namespace)
                  .withName(only(objects, Deployment.class).getMetadata().getName())
                  .get())
          .as("a dry run leaves nothing behind")
          .isNull();
    }
  }

  private static <T> T only(List<HasMetadata> objects, Class<T> type) {
    List<T> matching = all(objects, type);
    assertThat(matching).as("one %s", type.getSimpleName()).hasSize(1);
    return matching.get(0);
  }

  private static <T> List<T> all(List<HasMetadata> objects, Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  private static Map<String, String> env(Container container) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    return env;
  }

  /**
   * What OperatorSettings reads from the Deployment's environment, as the pod would see it (the
   * downward API's metadata.namespace resolved to the release namespace).
   */
  private static OperatorSettings settings(Deployment deployment, String namespace) {
    Map<String, String> env = new HashMap<>();
    for (EnvVar e : deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      } else if (e.getValueFrom() != null
          && e.getValueFrom().getFieldRef() != null
          && "metadata.namespace".equals(e.getValueFrom().getFieldRef().getFieldPath())) {
        env.put(e.getName(), namespace);
      }
    }
    return OperatorSettings.from(env::get);
  }
}
