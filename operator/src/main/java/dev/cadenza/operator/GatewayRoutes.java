package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.StreamRoute;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;
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
      "not rendered with Gateway API: long read timeouts, retry on the next pod";

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
      // the policies go with the route (one call per reconciliation when there is none)
      if (served && delete(md, client, StreamRoute.API_VERSION, StreamRoute.KIND)) {
        for (String kind : List.of(StreamRoute.UPSTREAM_POLICY, StreamRoute.PROXY_POLICY)) {
          if (ngfServes(client, kind)) {
            delete(md, client, StreamRoute.NGF_API_VERSION, kind);
          }
        }
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
    List<String> rendered = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    try {
      apply(client, StreamRoute.build(md));
      // NGINX Gateway Fabric's policies, where the cluster has them
      if (ngfServes(client, StreamRoute.UPSTREAM_POLICY)) {
        apply(client, StreamRoute.upstreamPolicy(md));
        rendered.add("consistent hashing by request URI (UpstreamSettingsPolicy)");
      } else {
        missing.add("consistent hashing by request URI");
      }
      if (ngfServes(client, StreamRoute.PROXY_POLICY)) {
        apply(client, StreamRoute.proxyPolicy(md));
        rendered.add("proxy buffering off (ProxySettingsPolicy)");
      } else {
        missing.add("proxy buffering off");
      }
    } catch (KubernetesClientException e) {
      log.warn(
          "HTTPRoute {}/{} or its NGINX Gateway Fabric policies not applied: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.getMessage());
      return new Report(
          false,
          "RouteNotApplied",
          "HTTPRoute "
              + Names.of(md)
              + " or its NGINX Gateway Fabric policies not applied: "
              + Conditions.describe(e),
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
            .append("; ");
    if (!rendered.isEmpty()) {
      m.append("NGINX Gateway Fabric policies give ")
          .append(String.join(", ", rendered))
          .append("; ");
    }
    if (!missing.isEmpty()) {
      m.append("no ")
          .append(String.join(", no ", missing))
          .append(" (the cluster has no NGINX Gateway Fabric ")
          .append(missing.size() == 2 ? "policy CRDs" : "CRD for it")
          .append(" in ")
          .append(StreamRoute.NGF_API_VERSION)
          .append("); ");
    }
    m.append(NOT_RENDERED);
    if (r.rateLimit != null) {
      m.append(
          ", the rate limit (Gateway API has no rate-limit policy; NGINX Gateway Fabric's"
              + " RateLimitPolicy is not created yet)");
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

  private static boolean ngfServes(KubernetesClient client, String kind) {
    return client.supports(StreamRoute.NGF_API_VERSION, kind);
  }

  private static void apply(KubernetesClient client, GenericKubernetesResource resource) {
    client.resource(resource).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /** Deletes one resource named after {@code md}; true when there was one. */
  private static boolean delete(
      MusicDelivery md, KubernetesClient client, String apiVersion, String kind) {
    try {
      return !client
          .genericKubernetesResources(apiVersion, kind)
          .inNamespace(md.getMetadata().getNamespace())
          .withName(Names.of(md))
          .delete()
          .isEmpty();
    } catch (KubernetesClientException e) {
      log.warn(
          "{} {}/{} not deleted: {}",
          kind,
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.getMessage());
      return false;
    }
  }
}
