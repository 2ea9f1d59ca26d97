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
 * the same track (consistent hash of the request URI), no proxy buffering of audio, long read
 * timeouts, retry on the next pod, an optional per-client rate limit.
 */
public class StreamIngress extends CRUDKubernetesDependentResource<Ingress, MusicDelivery> {

  /** When nginx passes a request on to the next pod: {@code proxy_next_upstream}. */
  public static final String NEXT_UPSTREAM = "error timeout http_502 http_503";

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
            .withName("http")
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
      a.put("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
      a.put("nginx.ingress.kubernetes.io/proxy-next-upstream", NEXT_UPSTREAM);
      if (rps != null) {
        a.put("nginx.ingress.kubernetes.io/limit-rps", rps.toString());
      }
    } else {
      a.put("nginx.org/lb-method", "hash $request_uri consistent");
      a.put("nginx.org/proxy-buffering", "False");
      a.put("nginx.org/proxy-read-timeout", "3600s");
      a.put("nginx.org/proxy-next-upstream", NEXT_UPSTREAM);
      if (rps != null) {
        a.put("nginx.org/limit-req-rate", rps + "r/s");
      }
    }
    return a;
  }

  /**
   * An Ingress exists when spec.routing names a host for one of the NGINX ingress controllers;
   * controller gateway gets an HTTPRoute instead ({@link StreamRoute}).
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
