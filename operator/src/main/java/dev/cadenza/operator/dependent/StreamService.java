package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** The ClusterIP Service in front of the stream pods, for in-cluster players and the ingress. */
public class StreamService extends CRUDKubernetesDependentResource<Service, MusicDelivery> {

  public StreamService() {
    super(Service.class);
  }

  @Override
  protected Service desired(MusicDelivery md, Context<MusicDelivery> context) {
    return build(md);
  }

  /** The Service's port for HTTP, which the Ingress and the HTTPRoute route to. */
  public static final int HTTP_PORT = 80;

  public static Service build(MusicDelivery md) {
    return new ServiceBuilder()
        .withMetadata(Names.metadata(md))
        .withNewSpec()
        .withSelector(Names.selector(md))
        .addNewPort()
        .withName("http")
        .withPort(HTTP_PORT)
        .withTargetPort(new IntOrString("http"))
        .withProtocol("TCP")
        .endPort()
        // players in the cluster can point any NTP/SNTP client at the Service
        .addNewPort()
        .withName("sntp")
        .withPort(123)
        .withTargetPort(new IntOrString("sntp"))
        .withProtocol("UDP")
        .endPort()
        .endSpec()
        .build();
  }
}
