package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.StreamRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies and deletes the HTTPRoute of a MusicDelivery with controller gateway, and says what the
 * routing gives, for the RoutingReady condition. Whether the cluster serves HTTPRoutes is asked
 * through API discovery on every reconciliation, so installing the Gateway API CRDs later is
 * noticed at the next one (the operator rechecks every 30 s while they are missing).
 */
final class GatewayRoutes {

  private static final Logger log = LoggerFactory.getLogger(GatewayRoutes.class);
  static final String FIELD_MANAGER = "cadenza-operator";

  /** What the routing of one MusicDelivery amounts to. */
  record Report(boolean ready, String reason, String message, boolean recheck) {}

  static final String NOT_RENDERED =
      "not rendered with Gateway API: consistent hashing by request URI, proxy buffering off,"
          + " long read timeouts, retry on the next pod";

  private GatewayRoutes() {}

  static Report reconcile(MusicDelivery md, KubernetesClient client) {
    Routing r = md.getSpec().routing;
    boolean wanted = StreamRoute.wanted(md);
    boolean served;
    try {
      served = client.supports(StreamRoute.API_VERSION, StreamRoute.KIND);
    } catch (KubernetesClientException e) {
      return new Report(
          false,
          "RouteNotApplied",
          "Could not ask the API server whether it serves "
              + StreamRoute.API_VERSION
              + " "
              + StreamRoute.KIND
              + ": "
              + e.getMessage(),
          true);
    }
    if (!wanted) {
      if (served) {
        delete(md, client);
      }
      return notGateway(md);
    }
    if (!served) {
      return new Report(
          false,
          "GatewayApiMissing",
          "routing.controller is gateway but the cluster has no CustomResourceDefinition "
              + StreamRoute.CRD
              + " (Gateway API "
              + StreamRoute.API_VERSION
              + "): install the Gateway API standard CRDs (kubectl apply -f"
              + " https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.4.1/standard-install.yaml)"
              + " or choose controller nginx or ingress-nginx; no route exists until then, rechecked"
              + " every "
              + MusicDeliveryReconciler.RECHECK.toSeconds()
              + " s",
          true);
    }
    try {
      client
          .resource(StreamRoute.build(md))
          .fieldManager(FIELD_MANAGER)
          .forceConflicts()
          .serverSideApply();
    } catch (KubernetesClientException e) {
      log.warn(
          "HTTPRoute {}/{} not applied: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.getMessage());
      return new Report(
          false,
          "RouteNotApplied",
          "HTTPRoute " + Names.of(md) + " not applied: " + Conditions.describe(e),
          true);
    }
    String parent =
        (r.gateway.namespace == null || r.gateway.namespace.isEmpty()
                ? md.getMetadata().getNamespace()
                : r.gateway.namespace)
            + "/"
            + r.gateway.name
            + (r.gateway.sectionName == null || r.gateway.sectionName.isEmpty()
                ? ""
                : " listener " + r.gateway.sectionName);
    StringBuilder m =
        new StringBuilder("HTTPRoute ")
            .append(Names.of(md))
            .append(" routes ")
            .append(r.host)
            .append(" through Gateway ")
            .append(parent)
            .append("; ")
            .append(NOT_RENDERED);
    if (r.rateLimit != null) {
      m.append(", the rate limit (Gateway API has no rate-limit policy)");
    }
    if (r.tls != null) {
      m.append("; TLS: the Gateway's HTTPS listener must reference Secret ")
          .append(r.tls.secretName)
          .append(" in certificateRefs");
    }
    return new Report(true, "HTTPRouteApplied", m.toString(), false);
  }

  private static Report notGateway(MusicDelivery md) {
    Routing r = md.getSpec().routing;
    if (r == null || r.host == null || r.host.isEmpty()) {
      return new Report(
          true,
          "NoRouting",
          "No routing.host: players reach the Service inside the cluster",
          false);
    }
    if (r.controller == Routing.Controller.GATEWAY) {
      return new Report(false, "NoGateway", "routing.gateway is not set", false);
    }
    return new Report(
        true,
        "IngressApplied",
        "Ingress " + Names.of(md) + " routes " + r.host + " (controller " + controllerName(r) + ")",
        false);
  }

  private static String controllerName(Routing r) {
    return r.controller == Routing.Controller.INGRESS_NGINX ? "ingress-nginx" : "nginx";
  }

  private static void delete(MusicDelivery md, KubernetesClient client) {
    try {
      client
          .genericKubernetesResources(StreamRoute.API_VERSION, StreamRoute.KIND)
          .inNamespace(md.getMetadata().getNamespace())
          .withName(Names.of(md))
          .delete();
    } catch (KubernetesClientException e) {
      log.warn(
          "HTTPRoute {}/{} not deleted: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.getMessage());
    }
  }
}
