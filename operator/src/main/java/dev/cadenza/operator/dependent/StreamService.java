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

  /** The Service's port for SNTP: the standard NTP port, in front of the pods' own. */
  public static final int SNTP_PORT = 123;

  public static Service build(MusicDelivery md) {
    return new ServiceBuilder()
        .withMetadata(Names.metadata(md))
        .withNewSpec()
        .withSelector(Names.selector(md))
        .addNewPort()
        .withName(StreamDeployment.HTTP_PORT_NAME)
        .withPort(HTTP_PORT)
        .withTargetPort(new IntOrString(StreamDeployment.HTTP_PORT_NAME))
        .withProtocol("TCP")
        .endPort()
        // players in the cluster can point any NTP/SNTP client at the Service
        .addNewPort()
        .withName(StreamDeployment.SNTP_PORT_NAME)
        .withPort(SNTP_PORT)
        .withTargetPort(new IntOrString(StreamDeployment.SNTP_PORT_NAME))
        .withProtocol("UDP")
        .endPort()
        .endSpec()
        .build();
  }
}
