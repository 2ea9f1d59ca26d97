package dev.cadenza.operator;

import static dev.cadenza.operator.testsupport.Jazz.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.dependent.StreamIngress;
import dev.cadenza.operator.dependent.StreamService;
import dev.cadenza.operator.testsupport.Jazz;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Gateway API route and NGINX Gateway Fabric's kinds, as built, without an API server. */
class StreamRouteTest {

  static MusicDelivery md(String spec) {
    return Jazz.jazz(spec);
  }

  @Test
  @SuppressWarnings("unchecked")
  void httpRouteAttachesTheHostToTheGatewayAndTheServicePort() {
    MusicDelivery md =
        md(
            BASE
                + "routing: {host: m.example.com, controller: gateway,"
                + " gateway: {name: public, namespace: infra, sectionName: https}}");
    md.getMetadata().setUid("0000-1111");
    var route = StreamRoute.build(md);
    assertThat(route.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
    assertThat(route.getKind()).isEqualTo("HTTPRoute");
    assertThat(route.getMetadata().getName()).isEqualTo("jazz");
    assertThat(route.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(o -> assertThat(o.getUid()).isEqualTo("0000-1111"));
    var spec = (Map<String, Object>) route.getAdditionalProperties().get("spec");
    assertThat((List<Object>) spec.get("hostnames")).containsExactly("m.example.com");
    assertThat((List<Map<String, Object>>) spec.get("parentRefs"))
        .singleElement()
        .satisfies(
            p ->
                assertThat(p)
                    .containsEntry("name", "public")
                    .containsEntry("namespace", "infra")
                    .containsEntry("sectionName", "https")
                    .containsEntry("kind", "Gateway"));
    var rule = ((List<Map<String, Object>>) spec.get("rules")).get(0);
    assertThat(rule).doesNotContainKey("timeouts");
    assertThat((List<Map<String, Object>>) rule.get("backendRefs"))
        .singleElement()
        .satisfies(b -> assertThat(b).containsEntry("name", "jazz").containsEntry("port", 80));
    // the Service's port 80 leads to the pods' API port, never to their management port
    assertThat(StreamService.build(md).getSpec().getPorts())
        .filteredOn(p -> p.getPort() == 80)
        .singleElement()
        .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));

    // without namespace and sectionName the parentRef leaves them out (the route's namespace,
    // every listener)
    var bare =
        StreamRoute.build(
            md(
                BASE
                    + "routing: {host: m.example.com, controller: gateway,"
                    + " gateway: {name: public}}"));
    var bareSpec = (Map<String, Object>) bare.getAdditionalProperties().get("spec");
    assertThat(((List<Map<String, Object>>) bareSpec.get("parentRefs")).get(0))
        .doesNotContainKeys("namespace", "sectionName");
    var upstream =
        (Map<String, Object>) StreamRoute.upstreamPolicy(md).getAdditionalProperties().get("spec");
    assertThat(upstream)
        .containsEntry("loadBalancingMethod", "hash consistent")
        .containsEntry("hashMethodKey", "$request_uri");
    var proxy = StreamRoute.proxyPolicy(md);
    assertThat(proxy.getApiVersion()).isEqualTo("gateway.nginx.org/v1alpha1");
    assertThat((Map<String, Object>) proxy.getAdditionalProperties().get("spec"))
        .containsEntry("buffering", Map.of("disable", true))
        .containsEntry("timeout", Map.of("connect", "2s", "read", "30s", "send", "30s"));
    assertThat(StreamRoute.wanted(md)).isTrue();
    assertThat(StreamRoute.wanted(md(BASE + "routing: {host: m.example.com}"))).isFalse();
    // the rule references the retry SnippetsFilter only when asked to (once NGF accepted it)
    assertThat(rule).doesNotContainKey("filters");
    var filtered =
        (Map<String, Object>) StreamRoute.build(md, true).getAdditionalProperties().get("spec");
    assertThat(((List<Map<String, Object>>) filtered.get("rules")).get(0))
        .containsEntry(
            "filters",
            List.of(
                Map.of(
                    "type",
                    "ExtensionRef",
                    "extensionRef",
                    Map.of(
                        "group", "gateway.nginx.org", "kind", "SnippetsFilter", "name", "jazz"))));
  }

  @Test
  @SuppressWarnings("unchecked")
  void gatewayRetryAndRateLimitAreTheIngressOnes() {
    MusicDelivery md =
        md(
            BASE
                + "routing: {host: m.example.com, controller: gateway, gateway: {name: public},"
                + " rateLimit: {requestsPerSecond: 20}}");
    var filter = StreamRoute.retryFilter(md);
    assertThat(filter.getKind()).isEqualTo("SnippetsFilter");
    assertThat((Map<String, Object>) filter.getAdditionalProperties().get("spec"))
        .isEqualTo(
            Map.of(
                "snippets",
                List.of(
                    Map.of(
                        "context",
                        "http.server.location",
                        "value",
                        "proxy_next_upstream error timeout http_502;"
                            + " proxy_next_upstream_tries 2; proxy_next_upstream_timeout 40s;"))));
    // the same next-upstream conditions as the Ingress annotations
    assertThat(
            StreamIngress.build(md(BASE + "routing: {host: m.example.com}"))
                .getMetadata()
                .getAnnotations())
        .containsEntry("nginx.org/proxy-next-upstream", StreamIngress.NEXT_UPSTREAM);
    var limit = StreamRoute.rateLimitPolicy(md);
    assertThat(limit.getKind()).isEqualTo("RateLimitPolicy");
    var spec = (Map<String, Object>) limit.getAdditionalProperties().get("spec");
    assertThat(spec)
        .containsEntry(
            "rateLimit",
            Map.of(
                "local",
                Map.of("rules", List.of(Map.of("key", "$binary_remote_addr", "rate", "20r/s")))))
        .containsEntry(
            "targetRefs",
            List.of(
                Map.of("group", "gateway.networking.k8s.io", "kind", "HTTPRoute", "name", "jazz")));
  }
}
