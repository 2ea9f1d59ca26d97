package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.StreamAutoscaler;
import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.dependent.StreamDeployment;
import dev.cadenza.operator.dependent.StreamDisruptionBudget;
import dev.cadenza.operator.dependent.StreamIngress;
import dev.cadenza.operator.dependent.StreamService;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import java.time.Duration;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a MusicDelivery into its ConfigMap, Deployment, Service, PodDisruptionBudget,
 * HorizontalPodAutoscaler and Ingress (one dependent resource class each, applied server-side),
 * then reports what it sees in the status.
 */
@Workflow(
    dependents = {
      @Dependent(name = "config", type = StreamConfig.class),
      @Dependent(name = "deployment", type = StreamDeployment.class, dependsOn = "config"),
      @Dependent(name = "service", type = StreamService.class),
      @Dependent(name = "disruption-budget", type = StreamDisruptionBudget.class),
      @Dependent(
          name = "autoscaler",
          type = StreamAutoscaler.class,
          dependsOn = "deployment",
          reconcilePrecondition = StreamAutoscaler.Enabled.class),
      @Dependent(
          name = "ingress",
          type = StreamIngress.class,
          dependsOn = "service",
          reconcilePrecondition = StreamIngress.Enabled.class)
    })
@ControllerConfiguration(name = "musicdelivery")
public class MusicDeliveryReconciler implements Reconciler<MusicDelivery> {

  private static final Logger log = LoggerFactory.getLogger(MusicDeliveryReconciler.class);
  static final Duration RECHECK = Duration.ofSeconds(30);

  @Override
  public UpdateControl<MusicDelivery> reconcile(MusicDelivery md, Context<MusicDelivery> context) {
    MusicDeliveryStatus status = fresh(md);
    DeploymentStatus pods =
        context.getSecondaryResource(Deployment.class).map(Deployment::getStatus).orElse(null);
    int wanted = wantedReplicas(md);
    int ready = pods == null ? 0 : Objects.requireNonNullElse(pods.getReadyReplicas(), 0);
    int updated = pods == null ? 0 : Objects.requireNonNullElse(pods.getUpdatedReplicas(), 0);
    status.replicas = pods == null ? 0 : Objects.requireNonNullElse(pods.getReplicas(), 0);
    status.readyReplicas = ready;
    status.selector =
        Names.selector(md).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .sorted()
            .reduce((a, b) -> a + "," + b)
            .orElse("");
    status.url = url(md);

    long generation = md.getMetadata().getGeneration();
    boolean rolledOut = updated >= wanted && ready >= wanted;
    Conditions conditions = new Conditions(status, generation);
    if (rolledOut && wanted > 0) {
      conditions.set(
          "Ready", true, "StreamPodsReady", ready + " of " + wanted + " stream pods ready");
      conditions.set(
          "Progressing", false, "RolledOut", "All stream pods run the current configuration");
    } else if (wanted == 0) {
      conditions.set("Ready", false, "ScaledToZero", "spec.replicas is 0");
      conditions.set("Progressing", false, "RolledOut", "Nothing to run");
    } else {
      conditions.set(
          "Ready", false, "StreamPodsNotReady", ready + " of " + wanted + " stream pods ready");
      conditions.set(
          "Progressing",
          true,
          "RollingOut",
          updated + " of " + wanted + " stream pods run the current configuration");
    }
    conditions.set("Degraded", false, "AsExpected", "No problems found");
    status.observedGeneration = generation;
    md.setStatus(status);
    UpdateControl<MusicDelivery> control = UpdateControl.patchStatus(md);
    return rolledOut ? control : control.rescheduleAfter(RECHECK);
  }

  @Override
  public ErrorStatusUpdateControl<MusicDelivery> updateErrorStatus(
      MusicDelivery md, Context<MusicDelivery> context, Exception e) {
    log.warn(
        "Reconciling {}/{} failed: {}",
        md.getMetadata().getNamespace(),
        Names.of(md),
        e.toString());
    MusicDeliveryStatus status = fresh(md);
    Conditions conditions = new Conditions(status, md.getMetadata().getGeneration());
    conditions.set("Degraded", true, "ReconcileFailed", Conditions.describe(e));
    conditions.set("Ready", false, "ReconcileFailed", "See the Degraded condition");
    md.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(md);
  }

  private static MusicDeliveryStatus fresh(MusicDelivery md) {
    MusicDeliveryStatus status =
        md.getStatus() == null ? new MusicDeliveryStatus() : md.getStatus();
    if (status.conditions == null) {
      status.conditions = new java.util.ArrayList<>();
    }
    return status;
  }

  static int wantedReplicas(MusicDelivery md) {
    if (md.getSpec().autoscaling != null) {
      return md.getSpec().autoscaling.minReplicas;
    }
    return Objects.requireNonNullElse(md.getSpec().replicas, 2);
  }

  static String url(MusicDelivery md) {
    Routing r = md.getSpec().routing;
    if (r != null && r.host != null && !r.host.isEmpty()) {
      return (r.tls != null ? "https://" : "http://") + r.host;
    }
    return "http://" + Names.of(md) + "." + md.getMetadata().getNamespace() + ".svc.cluster.local";
  }
}
