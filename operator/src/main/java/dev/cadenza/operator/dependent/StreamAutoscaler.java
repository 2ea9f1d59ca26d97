package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.Autoscaling;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import java.util.Objects;

/** CPU-based autoscaling of the stream pods, present only when spec.autoscaling is set. */
public class StreamAutoscaler
    extends CRUDKubernetesDependentResource<HorizontalPodAutoscaler, MusicDelivery> {

  public StreamAutoscaler() {
    super(HorizontalPodAutoscaler.class);
  }

  @Override
  protected HorizontalPodAutoscaler desired(MusicDelivery md, Context<MusicDelivery> context) {
    // JOSDK also asks for the desired state to find the autoscaler it deletes when autoscaling is
    // switched off; its name is all that is needed then.
    return md.getSpec().autoscaling == null
        ? Stubs.named(new HorizontalPodAutoscaler(), md)
        : build(md);
  }

  public static HorizontalPodAutoscaler build(MusicDelivery md) {
    Autoscaling a = md.getSpec().autoscaling;
    return new HorizontalPodAutoscalerBuilder()
        .withMetadata(Names.metadata(md))
        .withNewSpec()
        .withNewScaleTargetRef()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName(Names.of(md))
        .endScaleTargetRef()
        .withMinReplicas(a.minReplicas)
        .withMaxReplicas(a.maxReplicas)
        .addNewMetric()
        .withType("Resource")
        .withNewResource()
        .withName("cpu")
        .withNewTarget()
        .withType("Utilization")
        .withAverageUtilization(Objects.requireNonNullElse(a.targetCPUUtilization, 70))
        .endTarget()
        .endResource()
        .endMetric()
        .endSpec()
        .build();
  }

  /** Reconcile the autoscaler only when spec.autoscaling is set (else it is deleted). */
  public static class Enabled implements Condition<HorizontalPodAutoscaler, MusicDelivery> {
    @Override
    public boolean isMet(
        DependentResource<HorizontalPodAutoscaler, MusicDelivery> dependent,
        MusicDelivery md,
        Context<MusicDelivery> context) {
      return md.getSpec().autoscaling != null;
    }
  }
}
