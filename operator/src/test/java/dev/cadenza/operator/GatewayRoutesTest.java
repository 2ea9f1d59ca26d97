package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.Test;

/**
 * How GatewayRoutes reads the objects the API server returns from its applies, and what it says of
 * them.
 */
class GatewayRoutesTest {

  @Test
  void aSnippetsFilterIsAcceptedOnlyWithAnAcceptedTrueCondition() {
    assertThat(GatewayRoutes.accepted(null)).isFalse();
    assertThat(GatewayRoutes.accepted(filter(""))).isFalse();
    assertThat(GatewayRoutes.accepted(filter("status: {}"))).isFalse();
    assertThat(
            GatewayRoutes.accepted(
                filter("status: {controllers: [{controllerName: gateway.nginx.org/c}]}")))
        .isFalse();
    assertThat(GatewayRoutes.accepted(filter(status("Accepted", "False")))).isFalse();
    assertThat(GatewayRoutes.accepted(filter(status("ResolvedRefs", "True")))).isFalse();
    assertThat(GatewayRoutes.accepted(filter(status("Accepted", "True")))).isTrue();
  }

  @Test
  void aProxySettingsPolicyHasTimeoutsOnlyWhenItsSpecKeptThem() {
    assertThat(GatewayRoutes.hasTimeouts(null)).isFalse();
    assertThat(GatewayRoutes.hasTimeouts(proxy("spec: {buffering: {disable: true}}"))).isFalse();
    assertThat(GatewayRoutes.hasTimeouts(proxy("spec: {timeout: {read: 60s}}"))).isFalse();
    assertThat(GatewayRoutes.hasTimeouts(proxy("spec: {timeout: {read: 30s, send: 30s}}")))
        .isTrue();
  }

  @Test
  void theMessageSaysWhereTheRouteGoesAndWhatIsAndIsNotInEffectInTheStepsOrder() {
    MusicDelivery md =
        Serialization.unmarshal(
            """
            apiVersion: cadenza.dev/v1alpha1
            kind: MusicDelivery
            metadata: {name: radio, namespace: routes}
            spec:
              library: {persistentVolumeClaim: music}
              dynamodb: {tablePrefix: radio}
              routing:
                host: fm.example.com
                controller: gateway
                gateway: {name: public, namespace: infra, sectionName: https}
                tls: {secretName: fm-tls}
            """,
            MusicDelivery.class);
    GatewayRoutes.Effects effects =
        GatewayRoutes.Effects.lacking("retry (no CRD)")
            .and(GatewayRoutes.Effects.given("hashing (UpstreamSettingsPolicy)"))
            .and(
                GatewayRoutes.Effects.given("buffering off (ProxySettingsPolicy)")
                    .and(GatewayRoutes.Effects.lacking("timeouts (no field)")))
            .and(GatewayRoutes.Effects.none());

    assertThat(GatewayRoutes.describe(md, effects))
        .isEqualTo(
            "HTTPRoute radio routes fm.example.com through Gateway infra/public listener https;"
                + " NGINX Gateway Fabric gives hashing (UpstreamSettingsPolicy), buffering off"
                + " (ProxySettingsPolicy); not in effect: retry (no CRD), timeouts (no field); TLS:"
                + " the Gateway's HTTPS listener must reference Secret fm-tls in certificateRefs");
    assertThat(GatewayRoutes.describe(md, GatewayRoutes.Effects.none()))
        .contains("; everything the Ingress gives is in effect;");
  }

  static String status(String type, String value) {
    return "status: {controllers: [{controllerName: gateway.nginx.org/c, conditions: [{type: "
        + type
        + ", status: '"
        + value
        + "', reason: R, message: m, lastTransitionTime: '2026-01-01T00:00:00Z'}]}]}";
  }

  static GenericKubernetesResource filter(String rest) {
    return Serialization.unmarshal(
        "apiVersion: gateway.nginx.org/v1alpha1\nkind: SnippetsFilter\nmetadata: {name: f}\n"
            + rest,
        GenericKubernetesResource.class);
  }

  static GenericKubernetesResource proxy(String rest) {
    return Serialization.unmarshal(
        "apiVersion: gateway.nginx.org/v1alpha1\nkind: ProxySettingsPolicy\nmetadata: {name: p}\n"
            + rest,
        GenericKubernetesResource.class);
  }
}
