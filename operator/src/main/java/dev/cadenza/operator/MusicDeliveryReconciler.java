package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.StreamAutoscaler;
import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.dependent.StreamDeployment;
import dev.cadenza.operator.dependent.StreamDisruptionBudget;
import dev.cadenza.operator.dependent.StreamIngress;
import dev.cadenza.operator.dependent.StreamService;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import dev.cadenza.operator.dynamodb.DynamoDbTablesException;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
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
 * HorizontalPodAutoscaler and Ingress (one dependent resource class each, applied server-side), its
 * Gateway API HTTPRoute (applied here, see {@link GatewayRoutes}) and its DynamoDB tables, then
 * reports what it sees in the status. Deleting it deletes the tables first when deletionPolicy is
 * Delete, at the region and endpoint recorded in the status when they were made.
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
public class MusicDeliveryReconciler
    implements Reconciler<MusicDelivery>, Cleaner<MusicDelivery>, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(MusicDeliveryReconciler.class);
  static final Duration RECHECK = Duration.ofSeconds(30);
  static final Duration TABLES_RECHECK = Duration.ofSeconds(3);

  private final StreamTables tables;

  public MusicDeliveryReconciler(OperatorSettings settings) {
    this.tables = new StreamTables(settings);
  }

  @Override
  public UpdateControl<MusicDelivery> reconcile(MusicDelivery md, Context<MusicDelivery> context) {
    MusicDeliveryStatus status = fresh(md);
    java.util.Map<String, String> before = reasons(status);
    DynamoDbTables.Report report = null;
    String tablesFailure = null;
    String tablesReason = null;
    try {
      StreamTables.Location location = tables.location(md);
      report = tables.reconcile(md, context.getClient());
      status.tables = report.toStatus();
      // where the tables are, for their deletion even after the defaults change
      status.dynamodb = location.toStatus();
    } catch (StreamTables.LocationChanged e) {
      tablesReason = "DynamoDbLocationChanged";
      tablesFailure = e.getMessage();
    } catch (DynamoDbTablesException e) {
      tablesReason = e.reason().name();
      tablesFailure = e.getMessage();
    } catch (StreamTables.CredentialsProblem e) {
      tablesReason = "CredentialsSecretInvalid";
      tablesFailure = e.getMessage();
    }
    if (tablesFailure != null) {
      // also in the Degraded condition, but a log line says when, and each time (retried every
      // RECHECK) rather than only when the condition changes
      log.warn(
          "DynamoDB tables of {}/{} not reconciled ({}), retrying in {} s: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          tablesReason,
          RECHECK.toSeconds(),
          tablesFailure);
    }
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
    GatewayRoutes.Report routing = GatewayRoutes.reconcile(md, context.getClient());
    status.url = url(md, routing);

    long generation = md.getMetadata().getGeneration();
    boolean rolledOut = updated >= wanted && ready >= wanted;
    boolean tablesReady = report != null && report.ready();
    Conditions conditions = new Conditions(status, generation);
    if (tablesFailure != null) {
      conditions.set("Degraded", true, tablesReason, tablesFailure);
    } else if (!report.blockingProblems().isEmpty()) {
      conditions.set(
          "Degraded", true, "TableConflict", String.join("; ", report.blockingProblems()));
    } else {
      conditions.set(
          "Degraded",
          false,
          "AsExpected",
          report.warnings().isEmpty()
              ? "No problems found"
              : "Warnings: " + String.join("; ", report.warnings()));
    }
    if (!tablesReady) {
      boolean blocked = report == null || !report.blockingProblems().isEmpty();
      conditions.set(
          "Ready",
          false,
          "TablesNotReady",
          blocked
              ? "DynamoDB tables unusable; see the Degraded condition"
              : "DynamoDB tables not ready: " + String.join(", ", report.pending()));
      if (blocked) {
        conditions.set(
            "Progressing", false, "Blocked", "Waiting for the DynamoDB problem to be resolved");
      } else {
        conditions.set("Progressing", true, "CreatingTables", "Waiting for the DynamoDB tables");
      }
    } else if (rolledOut && wanted > 0) {
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
    conditions.set("RoutingReady", routing.ready(), routing.reason(), routing.message());
    status.observedGeneration = generation;
    md.setStatus(status);
    announce(context, md, conditions, before);
    UpdateControl<MusicDelivery> control = UpdateControl.patchStatus(md);
    if (!tablesReady) {
      return control.rescheduleAfter(report == null ? RECHECK : TABLES_RECHECK);
    }
    return rolledOut && !routing.recheck() ? control : control.rescheduleAfter(RECHECK);
  }

  /**
   * Runs before the resource goes (JOSDK holds a finalizer for it): with deletionPolicy Delete the
   * tables this resource created are deleted first; Retain keeps them.
   */
  @Override
  public DeleteControl cleanup(MusicDelivery md, Context<MusicDelivery> context) {
    if (md.getSpec().dynamodb.deletionPolicy != DynamoDb.DeletionPolicy.Delete) {
      log.info("Keeping the DynamoDB tables of {} (deletionPolicy Retain)", Names.of(md));
      return DeleteControl.defaultDelete();
    }
    try {
      DynamoDbTables.DeletionReport report = tables.delete(md, context.getClient());
      if (report.done()) {
        StreamTables.Location recorded = StreamTables.Location.recorded(md);
        log.info(
            "Deleted the DynamoDB tables of {} at {}",
            Names.of(md),
            recorded != null ? recorded : tables.location(md));
        return DeleteControl.defaultDelete();
      }
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(TABLES_RECHECK);
    } catch (DynamoDbTablesException | StreamTables.CredentialsProblem e) {
      log.warn("Cannot delete the DynamoDB tables of {} yet: {}", Names.of(md), e.getMessage());
      return DeleteControl.noFinalizerRemoval().rescheduleAfter(RECHECK);
    }
  }

  @Override
  public void close() {
    tables.close();
  }

  @Override
  public ErrorStatusUpdateControl<MusicDelivery> updateErrorStatus(
      MusicDelivery md, Context<MusicDelivery> context, Exception e) {
    if (isConflict(e)) {
      // Our copy was stale (e.g. a previous operator instance wrote last). Not a failure to report:
      // no status patch, which would conflict again and make JOSDK wait for an event that may have
      // come already; its retry reconciles with a fresh copy instead.
      log.debug(
          "Reconciling {}/{} met a conflict; retrying",
          md.getMetadata().getNamespace(),
          Names.of(md));
      return ErrorStatusUpdateControl.noStatusUpdate();
    }
    log.warn(
        "Reconciling {}/{} failed: {}",
        md.getMetadata().getNamespace(),
        Names.of(md),
        e.toString(),
        e);
    MusicDeliveryStatus status = fresh(md);
    Conditions conditions = new Conditions(status, md.getMetadata().getGeneration());
    conditions.set("Degraded", true, "ReconcileFailed", Conditions.describe(e));
    conditions.set("Ready", false, "ReconcileFailed", "See the Degraded condition");
    md.setStatus(status);
    return ErrorStatusUpdateControl.patchStatus(md);
  }

  private static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof io.fabric8.kubernetes.client.KubernetesClientException k
          && k.getCode() == 409) {
        return true;
      }
    }
    return false;
  }

  private static java.util.Map<String, String> reasons(MusicDeliveryStatus status) {
    java.util.Map<String, String> reasons = new java.util.HashMap<>();
    status.conditions.forEach(c -> reasons.put(c.getType(), c.getStatus() + "/" + c.getReason()));
    return reasons;
  }

  /** Events for what a user watching {@code kubectl describe} wants to know happened. */
  private static void announce(
      Context<MusicDelivery> context,
      MusicDelivery md,
      Conditions conditions,
      java.util.Map<String, String> before) {
    for (String type : java.util.List.of("Ready", "Degraded", "RoutingReady")) {
      io.fabric8.kubernetes.api.model.Condition now = conditions.get(type);
      if ((now.getStatus() + "/" + now.getReason()).equals(before.get(type))) {
        continue;
      }
      if (type.equals("RoutingReady")) {
        // a routing problem is worth a warning; its end is worth a note, a first success is not
        if (now.getStatus().equals("False")) {
          Events.warning(context.getClient(), md, now.getReason(), now.getMessage());
        } else if (before.containsKey(type) && before.get(type).startsWith("False")) {
          Events.normal(context.getClient(), md, now.getReason(), now.getMessage());
        }
      } else if (type.equals("Degraded") && now.getStatus().equals("True")) {
        Events.warning(context.getClient(), md, now.getReason(), now.getMessage());
      } else if (type.equals("Ready") || before.containsKey(type)) {
        Events.normal(context.getClient(), md, now.getReason(), now.getMessage());
      }
    }
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

  static String url(MusicDelivery md, GatewayRoutes.Report routing) {
    Routing r = md.getSpec().routing;
    if (r != null
        && r.host != null
        && !r.host.isEmpty()
        && (r.controller != Routing.Controller.GATEWAY || routing.ready())) {
      return (r.tls != null ? "https://" : "http://") + r.host;
    }
    return "http://" + Names.of(md) + "." + md.getMetadata().getNamespace() + ".svc.cluster.local";
  }
}
