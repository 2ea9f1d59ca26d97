package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * routing.controller gateway against a real kube-apiserver, with the operator holding only the
 * rights of operator/deploy/cluster-role.yaml: first without the Gateway API CRDs (a condition and
 * an Event, the rest of the MusicDelivery still comes up), then with the standard CRDs of Gateway
 * API v1.4.1 (src/test/resources/gateway-api) installed while the operator runs.
 */
class GatewayRoutingTest {

  static final String NS = "routes";
  static final String SERVICE_ACCOUNT = KubeApi.OPERATOR_SERVICE_ACCOUNT;
  static final Path GATEWAY_API = Path.of("src/test/resources/gateway-api");
  static final Path NGF = Path.of("src/test/resources/ngf-stand-in");

  static KubernetesClient admin;
  static KubernetesClient restricted;
  static Operator operator;
  static Dynalite dynalite;

  @BeforeAll
  static void start() throws Exception {
    Dynalite.useAsDefaultCredentials();
    dynalite = Dynalite.start();
    admin = KubeApi.adminClient();
    KubeApi.installCrd(admin);
    KubeApi.createNamespace(admin, NS);
    removeGatewayApi(); // one API server per test JVM: start from a cluster without it
    restricted = KubeApi.clientWithDeployedClusterRole(admin);
    operator =
        CadenzaOperator.create(
            restricted,
            new OperatorSettings("cadenza/routes:1", Set.of(NS), "eu-west-1", null, 0, "127.0.0.1"),
            o -> {});
    operator.start();
  }

  @AfterAll
  static void stop() {
    operator.stop();
    restricted.close();
    admin.close();
    dynalite.close();
  }

  @Test
  void gatewayRoutingWaitsForTheGatewayApiThenFollowsTheSpec() throws Exception {
    apply("radio", gateway("radio.example.com", "{name: public, namespace: infra}"));

    // 1. No Gateway API: a clear condition and a warning, and everything else still comes up.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition routing = condition("radio", "RoutingReady");
              assertThat(routing).isNotNull();
              assertThat(routing.getStatus()).isEqualTo("False");
              assertThat(routing.getReason()).isEqualTo("GatewayApiMissing");
              assertThat(routing.getMessage())
                  .contains("httproutes.gateway.networking.k8s.io")
                  .contains("standard-install.yaml");
              assertThat(admin.v1().events().inNamespace(NS).list().getItems())
                  .filteredOn(e -> e.getInvolvedObject().getName().equals("radio"))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo("GatewayApiMissing");
                      });
              assertThat(md("radio").getStatus().url)
                  .isEqualTo("http://radio.routes.svc.cluster.local");
              assertThat(md("radio").getStatus().tables).hasSize(3);
            });
    assertThat(admin.resources(Ingress.class).inNamespace(NS).withName("radio").get()).isNull();
    playDeploymentController("radio", 2);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(condition("radio", "Ready").getStatus()).isEqualTo("True");
              assertThat(condition("radio", "Degraded").getStatus()).isEqualTo("False");
              assertThat(condition("radio", "RoutingReady").getReason())
                  .isEqualTo("GatewayApiMissing");
            });

    // 2. The CRDs arrive while the operator runs: the periodic recheck creates the route.
    installGatewayApi();
    await()
        .atMost(Duration.ofSeconds(75))
        .untilAsserted(() -> assertThat(route("radio")).isNotNull());
    GenericKubernetesResource route = route("radio");
    Map<String, Object> spec = spec(route);
    assertThat(list(spec, "hostnames")).containsExactly("radio.example.com");
    assertThat(maps(spec, "parentRefs"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .containsEntry("group", "gateway.networking.k8s.io")
                    .containsEntry("kind", "Gateway")
                    .containsEntry("name", "public")
                    .containsEntry("namespace", "infra")
                    .doesNotContainKey("sectionName"));
    Map<String, Object> rule = maps(spec, "rules").get(0);
    assertThat(maps(rule, "backendRefs"))
        .singleElement()
        .satisfies(
            b ->
                assertThat(b)
                    .containsEntry("kind", "Service")
                    .containsEntry("name", "radio")
                    .containsEntry("port", 80));
    assertThat(maps(rule, "matches").get(0)).containsKey("path");
    assertThat(route.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("MusicDelivery");
              assertThat(o.getUid()).isEqualTo(md("radio").getMetadata().getUid());
            });
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition routing = condition("radio", "RoutingReady");
              assertThat(routing.getStatus()).isEqualTo("True");
              assertThat(routing.getReason()).isEqualTo("HTTPRouteApplied");
              assertThat(routing.getMessage())
                  .contains("infra/public")
                  .contains("no consistent hashing by request URI, no proxy buffering off")
                  .contains("gateway.nginx.org/v1alpha1");
              assertThat(md("radio").getStatus().url).isEqualTo("http://radio.example.com");
              assertThat(admin.v1().events().inNamespace(NS).list().getItems())
                  .filteredOn(e -> e.getInvolvedObject().getName().equals("radio"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("HTTPRouteApplied"));
            });

    // 3. Changes follow: another host, a listener, TLS (which the Gateway's listener terminates);
    // with NGINX Gateway Fabric's policy CRDs now there, its policies come along.
    install(NGF);
    apply(
        "radio",
        gateway(
                "fm.example.com",
                "{name: public, namespace: infra, sectionName: https}, tls: {secretName: fm-tls}")
            + "\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              GenericKubernetesResource changed = route("radio");
              assertThat(changed).isNotNull();
              Map<String, Object> s = spec(changed);
              assertThat(list(s, "hostnames")).containsExactly("fm.example.com");
              assertThat(maps(s, "parentRefs").get(0)).containsEntry("sectionName", "https");
              assertThat(condition("radio", "RoutingReady").getMessage()).contains("Secret fm-tls");
              assertThat(md("radio").getStatus().url).isEqualTo("https://fm.example.com");
              assertThat(condition("radio", "RoutingReady").getMessage())
                  .contains("consistent hashing by request URI (UpstreamSettingsPolicy)")
                  .contains("proxy buffering off (ProxySettingsPolicy)");
            });
    GenericKubernetesResource upstream = policy("UpstreamSettingsPolicy", "radio");
    assertThat(spec(upstream))
        .containsEntry("loadBalancingMethod", "hash consistent")
        .containsEntry("hashMethodKey", "$request_uri");
    assertThat(maps(spec(upstream), "targetRefs"))
        .containsExactly(Map.of("group", "", "kind", "Service", "name", "radio"));
    GenericKubernetesResource proxy = policy("ProxySettingsPolicy", "radio");
    assertThat(spec(proxy)).containsEntry("buffering", Map.of("disable", true));
    assertThat(maps(spec(proxy), "targetRefs"))
        .containsExactly(
            Map.of("group", "gateway.networking.k8s.io", "kind", "HTTPRoute", "name", "radio"));
    for (GenericKubernetesResource p : List.of(upstream, proxy)) {
      assertThat(p.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo("radio"));
    }

    // 4. No routing: the route goes.
    apply("radio", "");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(route("radio")).isNull();
              assertThat(policy("UpstreamSettingsPolicy", "radio")).isNull();
              assertThat(policy("ProxySettingsPolicy", "radio")).isNull();
              assertThat(condition("radio", "RoutingReady").getReason()).isEqualTo("NoRouting");
            });

    // 5. gateway again, then nginx: the route gives way to an Ingress.
    apply("radio", gateway("radio.example.com", "{name: public}"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              GenericKubernetesResource again = route("radio");
              assertThat(again).isNotNull();
              assertThat(policy("ProxySettingsPolicy", "radio")).isNotNull();
              assertThat(maps(spec(again), "parentRefs").get(0))
                  .containsEntry("name", "public")
                  .doesNotContainKey("namespace");
            });
    apply("radio", "routing: {host: radio.example.com, controller: nginx}\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(route("radio")).isNull();
              assertThat(policy("UpstreamSettingsPolicy", "radio")).isNull();
              assertThat(policy("ProxySettingsPolicy", "radio")).isNull();
              assertThat(admin.resources(Ingress.class).inNamespace(NS).withName("radio").get())
                  .isNotNull();
              assertThat(condition("radio", "RoutingReady").getReason())
                  .isEqualTo("IngressApplied");
            });
  }

  static String gateway(String host, String gatewayRef) {
    return "routing: {host: " + host + ", controller: gateway, gateway: " + gatewayRef + "}\n";
  }

  static void apply(String name, String routing) {
    String yaml =
        "apiVersion: cadenza.dev/v1alpha1\nkind: MusicDelivery\nmetadata: {name: "
            + name
            + ", namespace: "
            + NS
            + "}\nspec:\n"
            + ("library: {persistentVolumeClaim: music}\n"
                    + "dynamodb: {tablePrefix: "
                    + name
                    + ", endpoint: '"
                    + dynalite.endpoint()
                    + "'}\n"
                    + routing)
                .indent(2);
    admin
        .resource(Serialization.unmarshal(yaml, GenericKubernetesResource.class))
        .fieldManager("test")
        .forceConflicts()
        .serverSideApply();
  }

  static MusicDelivery md(String name) {
    return admin.resources(MusicDelivery.class).inNamespace(NS).withName(name).get();
  }

  static Condition condition(String name, String type) {
    MusicDelivery md = md(name);
    if (md == null || md.getStatus() == null) {
      return null;
    }
    return md.getStatus().conditions.stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElse(null);
  }

  static GenericKubernetesResource route(String name) {
    return admin
        .genericKubernetesResources("gateway.networking.k8s.io/v1", "HTTPRoute")
        .inNamespace(NS)
        .withName(name)
        .get();
  }

  static GenericKubernetesResource policy(String kind, String name) {
    return admin
        .genericKubernetesResources("gateway.nginx.org/v1alpha1", kind)
        .inNamespace(NS)
        .withName(name)
        .get();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> spec(GenericKubernetesResource r) {
    return (Map<String, Object>) r.getAdditionalProperties().get("spec");
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Map<String, Object> m, String key) {
    return (List<Object>) m.get(key);
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> maps(Map<String, Object> m, String key) {
    return (List<Map<String, Object>>) m.get(key);
  }

  /** No kubelet or controllers here: report the Deployment's pods as the controller would. */
  static void playDeploymentController(String name, int ready) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> admin.apps().deployments().inNamespace(NS).withName(name).get() != null);
    Deployment live = admin.apps().deployments().inNamespace(NS).withName(name).get();
    live.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(ready)
            .withReadyReplicas(ready)
            .withUpdatedReplicas(ready)
            .withAvailableReplicas(ready)
            .withObservedGeneration(live.getMetadata().getGeneration())
            .build());
    admin.resource(live).updateStatus();
  }

  static List<CustomResourceDefinition> crds(Path dir) throws Exception {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
      for (Path file : files) {
        try (InputStream in = Files.newInputStream(file)) {
          crds.add(admin.apiextensions().v1().customResourceDefinitions().load(in).item());
        }
      }
    }
    assertThat(crds).isNotEmpty();
    return crds;
  }

  static void installGatewayApi() throws Exception {
    assertThat(crds(GATEWAY_API))
        .extracting(c -> c.getMetadata().getName())
        .contains("httproutes.gateway.networking.k8s.io", "gateways.gateway.networking.k8s.io");
    install(GATEWAY_API);
  }

  static void install(Path dir) throws Exception {
    for (CustomResourceDefinition crd : crds(dir)) {
      KubeApi.installCrd(admin, crd);
    }
  }

  static void removeGatewayApi() throws Exception {
    for (Path dir : List.of(GATEWAY_API, NGF)) {
      for (CustomResourceDefinition crd : crds(dir)) {
        admin
            .apiextensions()
            .v1()
            .customResourceDefinitions()
            .withName(crd.getMetadata().getName())
            .withTimeout(60, TimeUnit.SECONDS)
            .delete();
      }
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                !admin.supports("gateway.networking.k8s.io/v1", "HTTPRoute")
                    && !admin.supports("gateway.nginx.org/v1alpha1", "ProxySettingsPolicy"));
  }
}
