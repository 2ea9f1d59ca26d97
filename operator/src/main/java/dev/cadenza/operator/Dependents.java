package dev.cadenza.operator;

import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.dependent.StreamDeployment;
import io.javaoperatorsdk.operator.api.config.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.config.dependent.DependentResourceSpec;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResource;
import io.javaoperatorsdk.operator.api.reconciler.dependent.DependentResourceFactory;

/**
 * Creates the workflow's dependent resources with the operator's settings (the default image and
 * region), so that what the pods are told and what the tables use come from one place.
 */
@SuppressWarnings({"rawtypes", "unchecked"})
final class Dependents implements DependentResourceFactory {

  private final OperatorSettings settings;

  Dependents(OperatorSettings settings) {
    this.settings = settings;
  }

  @Override
  public DependentResource createFrom(
      DependentResourceSpec spec, ControllerConfiguration configuration) {
    Class<?> type = spec.getDependentResourceClass();
    DependentResource instance;
    if (type == StreamConfig.class) {
      instance = new StreamConfig(settings);
    } else if (type == StreamDeployment.class) {
      instance = new StreamDeployment(settings);
    } else {
      return DependentResourceFactory.super.createFrom(spec, configuration);
    }
    configure(instance, spec, configuration);
    return instance;
  }
}
