package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API HTTPRoute for spec.routing with controller gateway: the host to the Service's
 * {@code http} port, attached to spec.routing.gateway. Not a JOSDK dependent resource: an informer
 * on httproutes would fail the operator's start in a cluster without the Gateway API CRDs, so the
 * reconciler applies and deletes it itself ({@code GatewayRoutes}).
 */
public final class StreamRoute {

  public static final String GROUP = "gateway.networking.k8s.io";
  public static final String API_VERSION = GROUP + "/v1";
  public static final String KIND = "HTTPRoute";
  public static final String CRD = "httproutes." + GROUP;

  private StreamRoute() {}

  /** True when spec.routing asks for an HTTPRoute. */
  public static boolean wanted(MusicDelivery md) {
    Routing r = md.getSpec().routing;
    return r != null
        && r.controller == Routing.Controller.GATEWAY
        && r.gateway != null
        && r.host != null
        && !r.host.isEmpty();
  }

  public static GenericKubernetesResource build(MusicDelivery md) {
    Routing routing = md.getSpec().routing;
    Map<String, Object> parent = new LinkedHashMap<>();
    parent.put("group", GROUP);
    parent.put("kind", "Gateway");
    parent.put("name", routing.gateway.name);
    if (notEmpty(routing.gateway.namespace)) {
      parent.put("namespace", routing.gateway.namespace);
    }
    if (notEmpty(routing.gateway.sectionName)) {
      parent.put("sectionName", routing.gateway.sectionName);
    }
    Map<String, Object> backend = new LinkedHashMap<>();
    backend.put("group", "");
    backend.put("kind", "Service");
    backend.put("name", Names.of(md));
    backend.put("port", StreamService.HTTP_PORT);
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("matches", List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/"))));
    rule.put("backendRefs", List.of(backend));
    // No timeouts: Gateway API's timeouts.request bounds the whole exchange, which would cut a
    // long stream; left unset, the implementation's own (per read) timeouts apply.
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("parentRefs", List.of(parent));
    spec.put("hostnames", List.of(routing.host));
    spec.put("rules", List.of(rule));

    ObjectMeta metadata = ownedMetadata(md);
    GenericKubernetesResource route = new GenericKubernetesResource();
    route.setApiVersion(API_VERSION);
    route.setKind(KIND);
    route.setMetadata(metadata);
    route.setAdditionalProperty("spec", spec);
    return route;
  }

  /** NGINX Gateway Fabric's policy API. */
  public static final String NGF_API_VERSION = "gateway.nginx.org/v1alpha1";

  public static final String UPSTREAM_POLICY = "UpstreamSettingsPolicy";
  public static final String PROXY_POLICY = "ProxySettingsPolicy";

  /**
   * NGINX Gateway Fabric's UpstreamSettingsPolicy on the Service: the same pod for the same track
   * (consistent hash of the request URI), as the Ingress's lb-method / upstream-hash-by.
   */
  public static GenericKubernetesResource upstreamPolicy(MusicDelivery md) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", List.of(Map.of("group", "", "kind", "Service", "name", Names.of(md))));
    spec.put("loadBalancingMethod", "hash consistent");
    spec.put("hashMethodKey", "$request_uri");
    return owned(md, UPSTREAM_POLICY, spec);
  }

  /**
   * NGINX Gateway Fabric's ProxySettingsPolicy on the HTTPRoute: no proxy buffering, so audio
   * reaches the player as the pod sends it.
   */
  public static GenericKubernetesResource proxyPolicy(MusicDelivery md) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", List.of(Map.of("group", GROUP, "kind", KIND, "name", Names.of(md))));
    spec.put("buffering", Map.of("disable", true));
    return owned(md, PROXY_POLICY, spec);
  }

  private static GenericKubernetesResource owned(
      MusicDelivery md, String kind, Map<String, Object> spec) {
    GenericKubernetesResource r = new GenericKubernetesResource();
    r.setApiVersion(NGF_API_VERSION);
    r.setKind(kind);
    r.setMetadata(ownedMetadata(md));
    r.setAdditionalProperty("spec", spec);
    return r;
  }

  private static ObjectMeta ownedMetadata(MusicDelivery md) {
    ObjectMeta metadata = Names.metadata(md);
    metadata.setOwnerReferences(
        List.of(
            new OwnerReferenceBuilder()
                .withApiVersion(md.getApiVersion())
                .withKind(md.getKind())
                .withName(Names.of(md))
                .withUid(md.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(true)
                .build()));
    return metadata;
  }

  private static boolean notEmpty(String s) {
    return s != null && !s.isEmpty();
  }
}
