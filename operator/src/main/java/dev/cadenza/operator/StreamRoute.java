package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.StreamIngress;
import dev.cadenza.operator.dependent.StreamService;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Gateway API HTTPRoute for spec.routing with controller gateway (the host to the Service's
 * {@code http} port, attached to spec.routing.gateway) and NGINX Gateway Fabric's kinds next to it:
 * desired state only, which {@link GatewayRoutes} applies and deletes. Not a JOSDK dependent
 * resource: JOSDK's CRD activation condition reads CustomResourceDefinitions, which the operator's
 * roles do not grant, and gives up after ten checks, where API discovery needs no rights and
 * notices CRDs installed at any later time.
 */
final class StreamRoute {

  static final String GROUP = "gateway.networking.k8s.io";
  static final String API_VERSION = GROUP + "/v1";
  static final String KIND = "HTTPRoute";
  static final String CRD = "httproutes." + GROUP;

  private StreamRoute() {}

  /** True when spec.routing asks for an HTTPRoute. */
  static boolean wanted(MusicDelivery md) {
    Routing r = md.getSpec().routing;
    return r != null
        && r.controller == Routing.Controller.GATEWAY
        && r.gateway != null
        && r.host != null
        && !r.host.isEmpty();
  }

  static GenericKubernetesResource build(MusicDelivery md) {
    return build(md, false);
  }

  /**
   * The HTTPRoute; with {@code retryFilter} its rule also references the SnippetsFilter of {@link
   * #retryFilter} (only once NGINX Gateway Fabric has accepted it: a filter it cannot resolve makes
   * the route answer 500).
   */
  static GenericKubernetesResource build(MusicDelivery md, boolean retryFilter) {
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
    if (retryFilter) {
      rule.put(
          "filters",
          List.of(
              Map.of(
                  "type",
                  "ExtensionRef",
                  "extensionRef",
                  Map.of("group", NGF_GROUP, "kind", SNIPPETS_FILTER, "name", Names.of(md)))));
    }
    // No timeouts: Gateway API's timeouts.request and timeouts.backendRequest bound the whole
    // exchange, which would cut a long stream; the per-read timeouts come from the
    // ProxySettingsPolicy. No retry: it is experimental in Gateway API v1.4 (the SnippetsFilter
    // does it).
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
  static final String NGF_GROUP = "gateway.nginx.org";

  static final String NGF_API_VERSION = NGF_GROUP + "/v1alpha1";

  static final String UPSTREAM_POLICY = "UpstreamSettingsPolicy";
  static final String PROXY_POLICY = "ProxySettingsPolicy";
  static final String RATE_LIMIT_POLICY = "RateLimitPolicy";
  static final String SNIPPETS_FILTER = "SnippetsFilter";

  /** Every NGINX Gateway Fabric kind the operator may create next to the route. */
  static final List<String> NGF_KINDS =
      List.of(UPSTREAM_POLICY, PROXY_POLICY, RATE_LIMIT_POLICY, SNIPPETS_FILTER);

  /** The per-read timeout of the Ingress ({@code proxy-read-timeout}), in NGF's Duration form. */
  static final String READ_TIMEOUT = StreamIngress.READ_TIMEOUT_SECONDS + "s";

  /** The connect timeout of the Ingress ({@code proxy-connect-timeout}), in NGF's form. */
  static final String CONNECT_TIMEOUT = StreamIngress.CONNECT_TIMEOUT_SECONDS + "s";

  /**
   * NGINX Gateway Fabric's UpstreamSettingsPolicy on the Service: the same pod for the same track
   * (consistent hash of the request URI), as the Ingress's lb-method / upstream-hash-by.
   */
  static GenericKubernetesResource upstreamPolicy(MusicDelivery md) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", List.of(Map.of("group", "", "kind", "Service", "name", Names.of(md))));
    spec.put("loadBalancingMethod", "hash consistent");
    spec.put("hashMethodKey", "$request_uri");
    return owned(md, UPSTREAM_POLICY, spec);
  }

  /**
   * NGINX Gateway Fabric's ProxySettingsPolicy on the HTTPRoute: no proxy buffering, so audio
   * reaches the player as the pod sends it, and the Ingress's connect, per-read and per-write
   * timeouts, so a frozen pod is given up on after them ({@link
   * StreamIngress#READ_TIMEOUT_SECONDS}).
   */
  static GenericKubernetesResource proxyPolicy(MusicDelivery md) {
    return proxyPolicy(md, true);
  }

  /**
   * The ProxySettingsPolicy, with or without {@code timeout}: that field exists since NGF 2.6, and
   * the API server refuses an apply that sets a field the CRD does not declare.
   */
  static GenericKubernetesResource proxyPolicy(MusicDelivery md, boolean timeouts) {
    Map<String, Object> spec = targetingRoute(md);
    spec.put("buffering", Map.of("disable", true));
    if (timeouts) {
      spec.put(
          "timeout",
          Map.of("connect", CONNECT_TIMEOUT, "read", READ_TIMEOUT, "send", READ_TIMEOUT));
    }
    return owned(md, PROXY_POLICY, spec);
  }

  /**
   * NGINX Gateway Fabric's RateLimitPolicy on the HTTPRoute for spec.routing.rateLimit: the
   * Ingress's per-client limit ({@code limit_req} keyed by the client address, no burst).
   */
  static GenericKubernetesResource rateLimitPolicy(MusicDelivery md) {
    Map<String, Object> rule = new LinkedHashMap<>();
    rule.put("key", "$binary_remote_addr");
    rule.put("rate", md.getSpec().routing.rateLimit.requestsPerSecond + "r/s");
    Map<String, Object> spec = targetingRoute(md);
    spec.put("rateLimit", Map.of("local", Map.of("rules", List.of(rule))));
    return owned(md, RATE_LIMIT_POLICY, spec);
  }

  /**
   * NGINX Gateway Fabric's SnippetsFilter with the Ingress's retry on the next pod ({@code
   * proxy_next_upstream}) for the route's location. Gateway API has no standard retry field and NGF
   * no policy for it; NGF reads SnippetsFilters only when its snippets are enabled.
   */
  static GenericKubernetesResource retryFilter(MusicDelivery md) {
    Map<String, Object> snippet = new LinkedHashMap<>();
    snippet.put("context", "http.server.location");
    snippet.put("value", StreamIngress.nextUpstreamDirectives());
    return owned(md, SNIPPETS_FILTER, Map.of("snippets", List.of(snippet)));
  }

  private static Map<String, Object> targetingRoute(MusicDelivery md) {
    Map<String, Object> spec = new LinkedHashMap<>();
    spec.put("targetRefs", List.of(Map.of("group", GROUP, "kind", KIND, "name", Names.of(md))));
    return spec;
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
