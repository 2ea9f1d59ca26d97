package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.DeploymentController;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.Steps;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * routing.controller gateway against a real kube-apiserver, with the operator holding only the
 * rights of operator/deploy/cluster-role.yaml: first without the Gateway API CRDs (a condition and
 * an Event, the rest of the MusicDelivery still comes up), then with the standard CRDs of Gateway
 * API v1.4.1 (src/test/resources/gateway-api) installed while the operator runs. One scenario on
 * one MusicDelivery, in ordered steps; after a step fails the later ones are skipped.
 */
@ExtendWith({DynaliteExtension.class, Steps.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayRoutingTest {

  static final String NS = "routes";
  static final Path GATEWAY_API = Path.of("src/test/resources/gateway-api");
  static final Path NGF = Path.of("src/test/resources/ngf-stand-in");
  static final List<String> NGF_KINDS =
      List.of("UpstreamSettingsPolicy", "ProxySettingsPolicy", "RateLimitPolicy", "SnippetsFilter");

  /** The routing of steps 6 and 7: a listener, TLS and a rate limit. */
  static final String LIMITED =
      "routing: {host: fm.example.com, controller: gateway, gateway: {name: public,"
          + " namespace: infra, sectionName: https}, tls: {secretName: fm-tls},"
          + " rateLimit: {requestsPerSecond: 20}}\n";

  /** A server of its own: it starts without the Gateway API CRDs. */
  @RegisterExtension
  static final OperatorUnderTest operator =
      OperatorUnderTest.with(new OperatorSettings("cadenza/routes:1", Set.of(NS), "eu-west-1"))
          .withDeployedClusterRole();

  static final KubeApi kube = operator.kube();

  static KubernetesClient admin;
  static Dynalite dynalite;

  @BeforeAll
  static void start(Dynalite server) {
    dynalite = server;
    admin = kube.client();
  }

  /** No Gateway API: a clear condition and a warning. */
  @Test
  @Order(1)
  void withoutTheGatewayApiRoutingReadyIsFalseWithAWarningAndNoRoute() {
    apply("radio", gateway("radio.example.com", "{name: public, namespace: infra}"));

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
              assertThat(md("radio").getStatus().tables).hasSize(4);
            });
    assertThat(admin.resources(Ingress.class).inNamespace(NS).withName("radio").get()).isNull();
  }

  /** No Gateway API: everything but the route still comes up. */
  @Test
  @Order(2)
  void theRestOfTheMusicDeliveryBecomesReadyWithoutTheGatewayApi() {
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
  }

  /** The CRDs arrive while the operator runs: the periodic recheck creates the route. */
  @Test
  @Order(3)
  void gatewayApiInstalledWhileTheOperatorRunsBringsTheRouteWithinTheRecheck() throws Exception {
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
  }

  /** Without NGINX Gateway Fabric's CRDs the message says what is not in effect, and why. */
  @Test
  @Order(4)
  void theAppliedRouteIsReadyAndSaysWhatIsNotInEffectWithoutNgf() {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition routing = condition("radio", "RoutingReady");
              assertThat(routing.getStatus()).isEqualTo("True");
              assertThat(routing.getReason()).isEqualTo("HTTPRouteApplied");
              assertThat(routing.getMessage())
                  .contains("infra/public")
                  .contains(
                      "not in effect: retry on the next pod on error timeout http_502"
                          + " (the cluster serves no gateway.nginx.org/v1alpha1 SnippetsFilter),"
                          + " consistent hashing by request URI (the cluster serves no"
                          + " gateway.nginx.org/v1alpha1 UpstreamSettingsPolicy), proxy buffering"
                          + " off and the Ingress's timeouts (the cluster serves no"
                          + " gateway.nginx.org/v1alpha1 ProxySettingsPolicy)")
                  .doesNotContain("NGINX Gateway Fabric gives");
              assertThat(md("radio").getStatus().url).isEqualTo("http://radio.example.com");
              assertThat(admin.v1().events().inNamespace(NS).list().getItems())
                  .filteredOn(e -> e.getInvolvedObject().getName().equals("radio"))
                  .anySatisfy(e -> assertThat(e.getReason()).isEqualTo("HTTPRouteApplied"));
            });
  }

  /**
   * Another host, a listener, TLS (which the Gateway's listener terminates); with NGINX Gateway
   * Fabric's CRDs now there, its policies come along.
   */
  @Test
  @Order(5)
  void hostListenerAndTlsChangesFollowAndNgfPoliciesComeWithTheirCrds() throws Exception {
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
                  .contains(
                      "proxy buffering off and the Ingress's timeouts (connect 2s, read and send 30s)"
                          + " (ProxySettingsPolicy)")
                  // NGF has not accepted the SnippetsFilter (as with snippets off): no reference
                  .contains(
                      "not in effect: retry on the next pod on error timeout http_502"
                          + " (SnippetsFilter radio is not accepted by NGINX Gateway Fabric");
            });
    assertThat(maps(spec(route("radio")), "rules").get(0)).doesNotContainKey("filters");
    assertThat(maps(spec(policy("SnippetsFilter", "radio")), "snippets"))
        .containsExactly(
            Map.of(
                "context",
                "http.server.location",
                "value",
                "proxy_next_upstream error timeout http_502;"
                    + " proxy_next_upstream_tries 2; proxy_next_upstream_timeout 40s;"));
    assertThat(policy("RateLimitPolicy", "radio")).isNull();
    GenericKubernetesResource upstream = policy("UpstreamSettingsPolicy", "radio");
    assertThat(spec(upstream))
        .containsEntry("loadBalancingMethod", "hash consistent")
        .containsEntry("hashMethodKey", "$request_uri");
    assertThat(maps(spec(upstream), "targetRefs"))
        .containsExactly(Map.of("group", "", "kind", "Service", "name", "radio"));
    GenericKubernetesResource proxy = policy("ProxySettingsPolicy", "radio");
    assertThat(spec(proxy))
        .containsEntry("buffering", Map.of("disable", true))
        .containsEntry("timeout", Map.of("connect", "2s", "read", "30s", "send", "30s"));
    assertThat(maps(spec(proxy), "targetRefs"))
        .containsExactly(
            Map.of("group", "gateway.networking.k8s.io", "kind", "HTTPRoute", "name", "radio"));
    for (GenericKubernetesResource p : List.of(upstream, proxy)) {
      assertThat(p.getMetadata().getOwnerReferences())
          .singleElement()
          .satisfies(o -> assertThat(o.getName()).isEqualTo("radio"));
    }
  }

  /**
   * NGF accepts the SnippetsFilter (its snippets are on): the operator, rechecking while the filter
   * is new, references it from the route. Then a rate limit brings a RateLimitPolicy.
   */
  @Test
  @Order(6)
  void anAcceptedSnippetsFilterIsReferencedAndARateLimitBringsItsPolicy() {
    acceptSnippetsFilter("radio");
    await()
        .atMost(Duration.ofSeconds(75))
        .untilAsserted(
            () -> assertThat(maps(spec(route("radio")), "rules").get(0)).containsKey("filters"));
    apply("radio", LIMITED);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(maps(maps(spec(route("radio")), "rules").get(0), "filters"))
                  .containsExactly(
                      Map.of(
                          "type",
                          "ExtensionRef",
                          "extensionRef",
                          Map.of(
                              "group",
                              "gateway.nginx.org",
                              "kind",
                              "SnippetsFilter",
                              "name",
                              "radio")));
              GenericKubernetesResource limit = policy("RateLimitPolicy", "radio");
              assertThat(limit).isNotNull();
              assertThat(spec(limit))
                  .containsEntry(
                      "rateLimit",
                      Map.of(
                          "local",
                          Map.of(
                              "rules",
                              List.of(Map.of("key", "$binary_remote_addr", "rate", "20r/s")))))
                  .containsEntry(
                      "targetRefs",
                      List.of(
                          Map.of(
                              "group",
                              "gateway.networking.k8s.io",
                              "kind",
                              "HTTPRoute",
                              "name",
                              "radio")));
              assertThat(condition("radio", "RoutingReady").getMessage())
                  .contains("retry on the next pod on error timeout http_502 (SnippetsFilter)")
                  .contains("the rate limit of 20 requests per second per client (RateLimitPolicy)")
                  .contains("everything the Ingress gives is in effect")
                  .doesNotContain("not in effect");
            });
  }

  /**
   * An NGINX Gateway Fabric before 2.6, whose ProxySettingsPolicy has no timeout field (the API
   * server prunes it), and no more rate limit: the message says the timeouts are missing, and the
   * RateLimitPolicy goes.
   */
  @Test
  @Order(7)
  void anNgfWithoutProxyTimeoutsIsReportedAndTheRateLimitPolicyGoes() throws Exception {
    KubeApi.installCrd(admin, withoutTimeout(crd(NGF.resolve("proxysettingspolicies.yaml"))));
    apply("radio", LIMITED.replace(", rateLimit: {requestsPerSecond: 20}", ""));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(policy("RateLimitPolicy", "radio")).isNull();
              assertThat(spec(policy("ProxySettingsPolicy", "radio")))
                  .containsEntry("buffering", Map.of("disable", true))
                  .doesNotContainKey("timeout");
              assertThat(condition("radio", "RoutingReady").getMessage())
                  .contains("proxy buffering off (ProxySettingsPolicy)")
                  .contains(
                      "not in effect: the Ingress's timeouts (this NGINX Gateway Fabric's"
                          + " ProxySettingsPolicy has no timeout field")
                  .doesNotContain("rate limit");
            });
    install(NGF); // the current ProxySettingsPolicy CRD again, for the steps after this
  }

  /** No routing: the route and the policies go. */
  @Test
  @Order(8)
  void removingTheRoutingDeletesTheRouteAndItsPolicies() {
    apply("radio", "");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertRouteAndPoliciesGone("radio");
              assertThat(condition("radio", "RoutingReady").getReason()).isEqualTo("NoRouting");
            });
  }

  /** gateway again: the route and the policies come back. */
  @Test
  @Order(9)
  void gatewayAgainBringsTheRouteBackWithItsPolicies() {
    apply("radio", gateway("radio.example.com", "{name: public}"));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              GenericKubernetesResource again = route("radio");
              assertThat(again).isNotNull();
              for (String kind : NGF_KINDS) {
                if (!kind.equals("RateLimitPolicy")) {
                  assertThat(policy(kind, "radio")).isNotNull();
                }
              }
              assertThat(maps(spec(again), "parentRefs").get(0))
                  .containsEntry("name", "public")
                  .doesNotContainKey("namespace");
            });
  }

  /** nginx: the route gives way to an Ingress. */
  @Test
  @Order(10)
  void switchingToNginxReplacesTheRouteWithAnIngress() {
    apply("radio", "routing: {host: radio.example.com, controller: nginx}\n");
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertRouteAndPoliciesGone("radio");
              assertThat(admin.resources(Ingress.class).inNamespace(NS).withName("radio").get())
                  .isNotNull();
              assertThat(condition("radio", "RoutingReady").getReason())
                  .isEqualTo("IngressApplied");
            });
  }

  /** Neither the HTTPRoute nor any NGINX Gateway Fabric kind named {@code name} is left. */
  static void assertRouteAndPoliciesGone(String name) {
    assertThat(route(name)).isNull();
    for (String kind : NGF_KINDS) {
      assertThat(policy(kind, name)).isNull();
    }
  }

  static String gateway(String host, String gatewayRef) {
    return "routing: {host: " + host + ", controller: gateway, gateway: " + gatewayRef + "}\n";
  }

  static void apply(String name, String routing) {
    KubeApi.applyMusicDelivery(
        admin,
        NS,
        name,
        "library: {persistentVolumeClaim: music}\n"
            + "dynamodb: {tablePrefix: "
            + name
            + ", endpoint: '"
            + dynalite.endpoint()
            + "'}\n"
            + routing);
  }

  static MusicDelivery md(String name) {
    return KubeApi.musicDelivery(admin, NS, name);
  }

  static Condition condition(String name, String type) {
    return KubeApi.condition(admin, NS, name, type);
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
    DeploymentController.reportReady(admin, NS, name, ready);
  }

  static List<CustomResourceDefinition> crds(Path dir) throws Exception {
    List<CustomResourceDefinition> crds = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.yaml")) {
      for (Path file : files) {
        crds.add(crd(file));
      }
    }
    assertThat(crds).isNotEmpty();
    return crds;
  }

  static CustomResourceDefinition crd(Path file) throws Exception {
    try (InputStream in = Files.newInputStream(file)) {
      return admin.apiextensions().v1().customResourceDefinitions().load(in).item();
    }
  }

  /** The ProxySettingsPolicy CRD as NGINX Gateway Fabric had it before 2.6: no spec.timeout. */
  static CustomResourceDefinition withoutTimeout(CustomResourceDefinition crd) {
    assertThat(
            crd.getSpec()
                .getVersions()
                .get(0)
                .getSchema()
                .getOpenAPIV3Schema()
                .getProperties()
                .get("spec")
                .getProperties()
                .remove("timeout"))
        .isNotNull();
    return crd;
  }

  /** What NGINX Gateway Fabric writes on a SnippetsFilter when its snippets are enabled. */
  static void acceptSnippetsFilter(String name) {
    GenericKubernetesResource filter = policy("SnippetsFilter", name);
    filter.setAdditionalProperty(
        "status",
        Map.of(
            "controllers",
            List.of(
                Map.of(
                    "controllerName",
                    "gateway.nginx.org/nginx-gateway-controller",
                    "conditions",
                    List.of(
                        Map.of(
                            "type",
                            "Accepted",
                            "status",
                            "True",
                            "reason",
                            "Accepted",
                            "message",
                            "The SnippetsFilter is accepted",
                            "lastTransitionTime",
                            "2026-01-01T00:00:00Z"))))));
    admin.resource(filter).updateStatus();
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
}
