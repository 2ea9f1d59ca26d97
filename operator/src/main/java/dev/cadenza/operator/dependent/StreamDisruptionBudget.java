package dev.cadenza.operator.dependent;

import dev.cadenza.operator.Names;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;

/** At most one stream pod down at a time during voluntary disruptions (drains, upgrades). */
public class StreamDisruptionBudget
    extends CRUDKubernetesDependentResource<PodDisruptionBudget, MusicDelivery> {

  public StreamDisruptionBudget() {
    super(PodDisruptionBudget.class);
  }

  @Override
  protected PodDisruptionBudget desired(MusicDelivery md, Context<MusicDelivery> context) {
    return build(md);
  }

  public static PodDisruptionBudget build(MusicDelivery md) {
    return new PodDisruptionBudgetBuilder()
        .withMetadata(Names.metadata(md))
        .withNewSpec()
        .withMaxUnavailable(new IntOrString(1))
        .withNewSelector()
        .withMatchLabels(Names.selector(md))
        .endSelector()
        .endSpec()
        .build();
  }
}
