package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.StreamIngress;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  static final String FIELD_MANAGER = Names.OPERATOR;

  /** What the routing of one MusicDelivery amounts to. */
  record Report(boolean ready, String reason, String message, boolean recheck) {}

  private GatewayRoutes() {}

  static Report reconcile(MusicDelivery md, KubernetesClient client) {
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
        for (String kind : StreamRoute.NGF_KINDS) {
          if (ngfServes(client, kind)) {
            delete(md, client, StreamRoute.NGF_API_VERSION, kind);
          }
        }
      }
      return notGateway(md, client);
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
    Applied applied;
    try {
      applied = applyRoute(md, client);
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
    return new Report(true, "HTTPRouteApplied", describe(md, applied.effects()), applied.recheck());
  }

  /** What NGINX Gateway Fabric gives the route, and what is not in effect with the reason why. */
  record Effects(List<String> given, List<String> lacking) {

    static Effects given(String what) {
      return new Effects(List.of(what), List.of());
    }

    static Effects lacking(String what) {
      return new Effects(List.of(), List.of(what));
    }

    static Effects none() {
      return new Effects(List.of(), List.of());
    }

    /** These, then {@code more}, in that order. */
    Effects and(Effects more) {
      List<String> g = new ArrayList<>(given);
      g.addAll(more.given);
      List<String> l = new ArrayList<>(lacking);
      l.addAll(more.lacking);
      return new Effects(List.copyOf(g), List.copyOf(l));
    }
  }

  /**
   * What applying the route and NGINX Gateway Fabric's kinds did.
   *
   * @param effects what they give and what is not in effect
   * @param recheck true while the retry SnippetsFilter is new and not yet accepted
   */
  record Applied(Effects effects, boolean recheck) {}

  /**
   * The retry SnippetsFilter's step.
   *
   * @param accepted NGINX Gateway Fabric accepted it: the route may reference it
   * @param awaitAcceptance it is new and not yet accepted (worth a recheck)
   */
  record RetryFilter(boolean accepted, boolean awaitAcceptance, Effects effects) {}

  /** The RoutingReady message of an applied route. */
  static String describe(MusicDelivery md, Effects effects) {
    Routing r = md.getSpec().routing;
    String parent =
        (r.gateway.namespace == null || r.gateway.namespace.isEmpty()
                ? md.getMetadata().getNamespace()
                : r.gateway.namespace)
            + "/"
            + r.gateway.name
            + (r.gateway.sectionName == null || r.gateway.sectionName.isEmpty()
                ? ""
                : " listener " + r.gateway.sectionName);
    List<String> m = new ArrayList<>();
    m.add("HTTPRoute " + Names.of(md) + " routes " + r.host + " through Gateway " + parent);
    if (!effects.given().isEmpty()) {
      m.add("NGINX Gateway Fabric gives " + String.join(", ", effects.given()));
    }
    m.add(
        effects.lacking().isEmpty()
            ? "everything the Ingress gives is in effect"
            : "not in effect: " + String.join(", ", effects.lacking()));
    if (r.tls != null) {
      m.add(
          "TLS: the Gateway's HTTPS listener must reference Secret "
              + r.tls.secretName
              + " in certificateRefs");
    }
    return String.join("; ", m);
  }

  /**
   * Applies the route and, where the cluster serves them, NGINX Gateway Fabric's kinds next to it:
   * the retry filter first, as the route references it only once NGF has accepted it.
   */
  private static Applied applyRoute(MusicDelivery md, KubernetesClient client) {
    RetryFilter retry = retryFilter(md, client);
    apply(client, StreamRoute.build(md, retry.accepted()));
    Effects effects =
        retry
            .effects()
            .and(upstreamPolicy(md, client))
            .and(proxyPolicy(md, client))
            .and(rateLimitPolicy(md, client));
    return new Applied(effects, retry.awaitAcceptance());
  }

  private static RetryFilter retryFilter(MusicDelivery md, KubernetesClient client) {
    if (!ngfServes(client, StreamRoute.SNIPPETS_FILTER)) {
      return new RetryFilter(
          false, false, Effects.lacking(RETRY + " (" + noCrd(StreamRoute.SNIPPETS_FILTER) + ")"));
    }
    GenericKubernetesResource filter;
    try {
      filter = apply(client, StreamRoute.retryFilter(md));
    } catch (KubernetesClientException e) {
      // the route does not depend on it: it goes without the filter
      log.warn(
          "SnippetsFilter {}/{} not applied: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.getMessage());
      return new RetryFilter(
          false,
          false,
          Effects.lacking(RETRY + " (SnippetsFilter not applied: " + Conditions.describe(e) + ")"));
    }
    if (accepted(filter)) {
      return new RetryFilter(
          true, false, Effects.given(RETRY + " (" + StreamRoute.SNIPPETS_FILTER + ")"));
    }
    // NGF with snippets on accepts a new filter within seconds: look again meanwhile
    return new RetryFilter(
        false,
        isNew(filter),
        Effects.lacking(
            RETRY
                + " ("
                + StreamRoute.SNIPPETS_FILTER
                + " "
                + Names.of(md)
                + " is not accepted by NGINX Gateway Fabric, whose snippets are off unless"
                + " enabled; the route references it once it is)"));
  }

  private static Effects upstreamPolicy(MusicDelivery md, KubernetesClient client) {
    String what = "consistent hashing by request URI";
    if (!ngfServes(client, StreamRoute.UPSTREAM_POLICY)) {
      return Effects.lacking(what + " (" + noCrd(StreamRoute.UPSTREAM_POLICY) + ")");
    }
    apply(client, StreamRoute.upstreamPolicy(md));
    return Effects.given(what + " (" + StreamRoute.UPSTREAM_POLICY + ")");
  }

  private static Effects proxyPolicy(MusicDelivery md, KubernetesClient client) {
    if (!ngfServes(client, StreamRoute.PROXY_POLICY)) {
      return Effects.lacking(
          "proxy buffering off and the Ingress's timeouts ("
              + noCrd(StreamRoute.PROXY_POLICY)
              + ")");
    }
    if (hasTimeouts(applyProxyPolicy(md, client))) {
      return Effects.given(
          "proxy buffering off and the Ingress's timeouts (connect "
              + StreamRoute.CONNECT_TIMEOUT
              + ", read and send "
              + StreamRoute.READ_TIMEOUT
              + ") ("
              + StreamRoute.PROXY_POLICY
              + ")");
    }
    return Effects.given("proxy buffering off (" + StreamRoute.PROXY_POLICY + ")")
        .and(
            Effects.lacking(
                "the Ingress's timeouts (this NGINX Gateway Fabric's "
                    + StreamRoute.PROXY_POLICY
                    + " has no timeout field, added in 2.6; its default of 60 s between two reads"
                    + " applies)"));
  }

  /** The RateLimitPolicy for spec.routing.rateLimit; deleted when there is none. */
  private static Effects rateLimitPolicy(MusicDelivery md, KubernetesClient client) {
    Routing r = md.getSpec().routing;
    boolean served = ngfServes(client, StreamRoute.RATE_LIMIT_POLICY);
    if (r.rateLimit == null) {
      if (served) {
        delete(md, client, StreamRoute.NGF_API_VERSION, StreamRoute.RATE_LIMIT_POLICY);
      }
      return Effects.none();
    }
    if (!served) {
      return Effects.lacking("the rate limit (" + noCrd(StreamRoute.RATE_LIMIT_POLICY) + ")");
    }
    apply(client, StreamRoute.rateLimitPolicy(md));
    return Effects.given(
        "the rate limit of "
            + r.rateLimit.requestsPerSecond
            + " requests per second per client ("
            + StreamRoute.RATE_LIMIT_POLICY
            + ")");
  }

  private static Report notGateway(MusicDelivery md, KubernetesClient client) {
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
    String ingress =
        "Ingress " + Names.of(md) + " routes " + r.host + " (controller " + controllerName(r) + ")";
    String tlsProblem = r.tls == null ? null : tlsSecretProblem(md, client);
    if (tlsProblem != null) {
      // Secrets are not watched: look again until it is there
      return new Report(false, "TlsSecretInvalid", ingress + ", but " + tlsProblem, true);
    }
    return new Report(true, "IngressApplied", ingress, false);
  }

  /**
   * What is wrong with the TLS Secret the Ingress names, or null: without it the ingress controller
   * serves its own default certificate for the host, which players refuse. A Secret the operator
   * may not read is taken as it is.
   */
  private static String tlsSecretProblem(MusicDelivery md, KubernetesClient client) {
    String name = md.getSpec().routing.tls.secretName;
    Secret secret;
    try {
      secret = client.secrets().inNamespace(md.getMetadata().getNamespace()).withName(name).get();
    } catch (KubernetesClientException e) {
      log.debug("TLS Secret {} of {} not checked: {}", name, Names.of(md), e.getMessage());
      return null;
    }
    String fix =
        ": create a kubernetes.io/tls Secret with tls.crt and tls.key (kubectl create secret tls "
            + name
            + " --cert=… --key=…); until then the ingress controller serves its default"
            + " certificate for the host";
    if (secret == null) {
      return "routing.tls.secretName '" + name + "' does not exist" + fix;
    }
    Map<String, String> data = secret.getData() == null ? Map.of() : secret.getData();
    for (String key : List.of("tls.crt", "tls.key")) {
      if (data.get(key) == null || data.get(key).isEmpty()) {
        return "routing.tls.secretName '" + name + "' has no " + key + fix;
      }
    }
    return null;
  }

  private static String controllerName(Routing r) {
    return r.controller == Routing.Controller.INGRESS_NGINX ? "ingress-nginx" : "nginx";
  }

  static final String RETRY = "retry on the next pod on " + StreamIngress.NEXT_UPSTREAM;

  /**
   * How long after creating the retry SnippetsFilter the operator rechecks (every {@link
   * MusicDeliveryReconciler#RECHECK}) whether NGINX Gateway Fabric accepted it; later, only a
   * change of the MusicDelivery or JOSDK's periodic resync looks again (snippets are off).
   */
  static final Duration ACCEPTANCE_WAIT = Duration.ofMinutes(5);

  private static boolean ngfServes(KubernetesClient client, String kind) {
    return client.supports(StreamRoute.NGF_API_VERSION, kind);
  }

  private static String noCrd(String kind) {
    return "the cluster serves no " + StreamRoute.NGF_API_VERSION + " " + kind;
  }

  /** The applied object, as the API server stored it (its schema prunes unknown fields). */
  private static GenericKubernetesResource apply(
      KubernetesClient client, GenericKubernetesResource resource) {
    return client.resource(resource).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
  }

  /**
   * Applies the ProxySettingsPolicy with its timeouts, or without them where its CRD has no {@code
   * timeout} (NGINX Gateway Fabric before 2.6), so buffering stays off there.
   */
  private static GenericKubernetesResource applyProxyPolicy(
      MusicDelivery md, KubernetesClient client) {
    try {
      return apply(client, StreamRoute.proxyPolicy(md));
    } catch (KubernetesClientException e) {
      if (e.getMessage() == null || !e.getMessage().contains(".spec.timeout")) {
        throw e;
      }
      return apply(client, StreamRoute.proxyPolicy(md, false));
    }
  }

  /** True when the applied ProxySettingsPolicy has its timeouts (a pruning CRD drops them). */
  static boolean hasTimeouts(GenericKubernetesResource proxy) {
    return proxy != null
        && proxy.getAdditionalProperties().get("spec") instanceof Map<?, ?> spec
        && spec.get("timeout") instanceof Map<?, ?> timeout
        && StreamRoute.READ_TIMEOUT.equals(timeout.get("read"));
  }

  /** True when the SnippetsFilter was created less than {@link #ACCEPTANCE_WAIT} ago. */
  private static boolean isNew(GenericKubernetesResource filter) {
    String created = filter == null ? null : filter.getMetadata().getCreationTimestamp();
    return created != null && Instant.parse(created).plus(ACCEPTANCE_WAIT).isAfter(Instant.now());
  }

  /**
   * True when some controller reports the SnippetsFilter {@code Accepted} in its status: NGINX
   * Gateway Fabric does so only when its snippets are enabled.
   */
  static boolean accepted(GenericKubernetesResource filter) {
    if (filter == null
        || !(filter.getAdditionalProperties().get("status") instanceof Map<?, ?> status)
        || !(status.get("controllers") instanceof List<?> controllers)) {
      return false;
    }
    for (Object controller : controllers) {
      if (controller instanceof Map<?, ?> c && c.get("conditions") instanceof List<?> conditions) {
        for (Object condition : conditions) {
          if (condition instanceof Map<?, ?> k
              && "Accepted".equals(k.get("type"))
              && "True".equals(k.get("status"))) {
            return true;
          }
        }
      }
    }
    return false;
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
