package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The Ingress for spec.routing, with the same behaviour on both NGINX controllers: the same pod for
 * the same track (consistent hash of the request URI), no proxy buffering of audio, the timeouts of
 * nginx-ingress/nginx.conf.template (long enough for any stream, which they bound between two reads
 * only; short enough that a frozen pod is given up on), retry on the next pod, an optional
 * per-client rate limit.
 */
public class StreamIngress extends CRUDKubernetesDependentResource<Ingress, MusicDelivery> {

  /**
   * When nginx passes a request on to the next pod: {@code proxy_next_upstream}. Not on 503: a pod
   * answers 503 when something every pod shares cannot be reached (DynamoDB, the library's
   * storage), so the next would answer the same, and nginx counts a response it may retry on as a
   * failure of the pod ({@code max_fails}, 1 by default on the NGINX Ingress Controller and NGINX
   * Gateway Fabric): 503s from every pod took every pod out of rotation, and all requests, streams
   * included, got 502 (nginx-ingress/README.md).
   */
  public static final String NEXT_UPSTREAM = "error timeout http_502";

  /**
   * nginx's wait for a pod between two reads or two writes ({@code proxy_read_timeout}, {@code
   * proxy_send_timeout}), in seconds: nginx-ingress/nginx.conf.template's value and reasons. A
   * frozen pod (its kernel still accepts) costs a player this much, not an hour; a paused player
   * does not trip it (nginx does not read from the pod while it cannot write to the player), and
   * session event streams send a comment every 15 s.
   */
  public static final int READ_TIMEOUT_SECONDS = 30;

  /**
   * The buffer nginx relays an unbuffered response through ({@code proxy_buffer_size}): at nginx's
   * default 4 KiB the front costs more CPU per request than the pod; 64 KiB, about a third of that
   * (docs/benchmarks.md, "NGINX front").
   */
  public static final String PROXY_BUFFER_SIZE = "64k";

  /** nginx's wait for a pod to accept a connection ({@code proxy_connect_timeout}), in seconds. */
  public static final int CONNECT_TIMEOUT_SECONDS = 2;

  /**
   * The bound on one request's tries ({@code proxy_next_upstream_timeout}), in seconds: counted
   * from the first try, so above a first try that timed out (connect plus read).
   */
  public static final int NEXT_UPSTREAM_TIMEOUT_SECONDS = 40;

  /** Tries of one request ({@code proxy_next_upstream_tries}): the pod, then one other. */
  public static final int NEXT_UPSTREAM_TRIES = 2;

  /** The retry as nginx directives, for where no annotation or policy expresses it. */
  public static String nextUpstreamDirectives() {
    return "proxy_next_upstream "
        + NEXT_UPSTREAM
        + "; proxy_next_upstream_tries "
        + NEXT_UPSTREAM_TRIES
        + "; proxy_next_upstream_timeout "
        + NEXT_UPSTREAM_TIMEOUT_SECONDS
        + "s;";
  }

  public StreamIngress() {
    super(Ingress.class);
  }

  @Override
  protected Ingress desired(MusicDelivery md, Context<MusicDelivery> context) {
    // JOSDK also asks for the desired state to find the ingress it deletes when routing is
    // switched off; its name is all that is needed then.
    return md.getSpec().routing == null ? Stubs.named(new Ingress(), md) : build(md);
  }

  public static Ingress build(MusicDelivery md) {
    Routing routing = md.getSpec().routing;
    IngressBuilder ingress =
        new IngressBuilder()
            .withMetadata(Names.metadata(md))
            .editMetadata()
            .withAnnotations(annotations(routing))
            .endMetadata()
            .withNewSpec()
            .addNewRule()
            .withHost(routing.host)
            .withNewHttp()
            .addNewPath()
            .withPath("/")
            .withPathType("Prefix")
            .withNewBackend()
            .withNewService()
            .withName(Names.of(md))
            .withNewPort()
            .withName(StreamDeployment.HTTP_PORT_NAME)
            .endPort()
            .endService()
            .endBackend()
            .endPath()
            .endHttp()
            .endRule()
            .endSpec();
    if (routing.tls != null) {
      ingress
          .editSpec()
          .addNewTl()
          .addToHosts(routing.host)
          .withSecretName(routing.tls.secretName)
          .endTl()
          .endSpec();
    }
    return ingress.build();
  }

  static Map<String, String> annotations(Routing routing) {
    Map<String, String> a = new LinkedHashMap<>();
    Integer rps = routing.rateLimit == null ? null : routing.rateLimit.requestsPerSecond;
    if (routing.controller == Routing.Controller.INGRESS_NGINX) {
      a.put("nginx.ingress.kubernetes.io/upstream-hash-by", "$request_uri");
      a.put("nginx.ingress.kubernetes.io/proxy-buffering", "off");
      a.put("nginx.ingress.kubernetes.io/proxy-buffer-size", PROXY_BUFFER_SIZE);
      a.put("nginx.ingress.kubernetes.io/proxy-connect-timeout", "" + CONNECT_TIMEOUT_SECONDS);
      a.put("nginx.ingress.kubernetes.io/proxy-read-timeout", "" + READ_TIMEOUT_SECONDS);
      a.put("nginx.ingress.kubernetes.io/proxy-send-timeout", "" + READ_TIMEOUT_SECONDS);
      a.put("nginx.ingress.kubernetes.io/proxy-next-upstream", NEXT_UPSTREAM);
      a.put(
          "nginx.ingress.kubernetes.io/proxy-next-upstream-timeout",
          "" + NEXT_UPSTREAM_TIMEOUT_SECONDS);
      a.put("nginx.ingress.kubernetes.io/proxy-next-upstream-tries", "" + NEXT_UPSTREAM_TRIES);
      if (rps != null) {
        a.put("nginx.ingress.kubernetes.io/limit-rps", rps.toString());
      }
    } else {
      a.put("nginx.org/lb-method", "hash $request_uri consistent");
      a.put("nginx.org/proxy-buffering", "False");
      a.put("nginx.org/proxy-buffer-size", PROXY_BUFFER_SIZE);
      a.put("nginx.org/proxy-buffers", "4 " + PROXY_BUFFER_SIZE);
      a.put("nginx.org/proxy-connect-timeout", CONNECT_TIMEOUT_SECONDS + "s");
      a.put("nginx.org/proxy-read-timeout", READ_TIMEOUT_SECONDS + "s");
      a.put("nginx.org/proxy-send-timeout", READ_TIMEOUT_SECONDS + "s");
      a.put("nginx.org/proxy-next-upstream", NEXT_UPSTREAM);
      if (rps != null) {
        a.put("nginx.org/limit-req-rate", rps + "r/s");
      }
    }
    return a;
  }

  /**
   * An Ingress exists when spec.routing names a host for one of the NGINX ingress controllers;
   * controller gateway gets an HTTPRoute instead ({@code GatewayRoutes}).
   */
  public static class Enabled implements Condition<Ingress, MusicDelivery> {
    @Override
    public boolean isMet(
        DependentResource<Ingress, MusicDelivery> dependent,
        MusicDelivery md,
        Context<MusicDelivery> context) {
      Routing r = md.getSpec().routing;
      return r != null
          && r.host != null
          && !r.host.isEmpty()
          && r.controller != Routing.Controller.GATEWAY;
    }
  }
}
