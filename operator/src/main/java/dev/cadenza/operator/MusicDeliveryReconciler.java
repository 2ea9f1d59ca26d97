package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.dependent.AuthSecrets;
import dev.cadenza.operator.dependent.CredentialsDigest;
import dev.cadenza.operator.dependent.StreamAutoscaler;
import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.dependent.StreamDeployment;
import dev.cadenza.operator.dependent.StreamDisruptionBudget;
import dev.cadenza.operator.dependent.StreamIngress;
import dev.cadenza.operator.dependent.StreamService;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import dev.cadenza.operator.dynamodb.DynamoDbTablesException;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.retry.GenericRetry;
import io.javaoperatorsdk.operator.processing.retry.RetryExecution;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciles a MusicDelivery into its auth Secret ({@link AuthSecrets}, when it names none), its
 * ConfigMap, Deployment, Service, PodDisruptionBudget, HorizontalPodAutoscaler and Ingress (one
 * dependent resource class each, applied server-side), its Gateway API HTTPRoute (applied here, see
 * {@link GatewayRoutes}) and its DynamoDB tables, then reports what it sees in the status. Deleting
 * it deletes the tables first when deletionPolicy is Delete, at the region and endpoint recorded in
 * the status when they were made.
 *
 * <p>A spec that cannot work ({@link SpecValidation}) is reported (Degraded {@code InvalidSpec},
 * naming the fields) and nothing is made from it. A reconciliation that fails is logged in one line
 * ({@link #updateErrorStatus}), reported (Degraded {@code ReconcileFailed}) and retried with
 * exponential backoff ({@link #RETRY}).
 */
@Workflow(
    explicitInvocation = true, // after the spec's validation, which may skip it
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

  /**
   * Retries of a failed reconciliation: after 2 s (twice: JOSDK's schedule), then doubling up to 5
   * minutes, for as long as it fails; a success or a change of the resource starts again.
   */
  static final GenericRetry RETRY =
      new GenericRetry()
          .setInitialInterval(Duration.ofSeconds(2))
          .setIntervalMultiplier(2)
          .setMaxInterval(Duration.ofMinutes(5).toMillis())
          .withoutMaxAttempts();

  private final StreamTables tables;
  private final StreamPods streamPods;

  public MusicDeliveryReconciler(OperatorSettings settings) {
    this.tables = new StreamTables(settings);
    this.streamPods = new StreamPods(settings);
  }

  /**
   * Besides the workflow's: the stream pods and what they report ({@link StreamPods}), and the
   * digests of the Secrets the pods read (DynamoDB credentials, admin password, secret key),
   * polled, so that a rotated Secret rolls the pods.
   */
  @Override
  public List<EventSource<?, MusicDelivery>> prepareEventSources(
      EventSourceContext<MusicDelivery> context) {
    List<EventSource<?, MusicDelivery>> sources = new ArrayList<>(streamPods.eventSources(context));
    sources.add(CredentialsDigest.eventSource(context));
    return sources;
  }

  /**
   * The auth Secrets the pods read, the tables, then the workflow's pods as the Deployment counts
   * them and the pods themselves explain them, then the route; the status from what each reported;
   * Events for the transitions; a recheck while anything is under way.
   */
  @Override
  public UpdateControl<MusicDelivery> reconcile(MusicDelivery md, Context<MusicDelivery> context) {
    List<SpecValidation.Problem> problems = SpecValidation.problems(md);
    if (!problems.isEmpty()) {
      return refuse(md, context.getClient(), problems);
    }
    // before the pods, which read the generated Secret (and its digest) from the start
    AuthSecrets.Report auth = AuthSecrets.reconcile(md, context.getClient());
    context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow();
    StatusAggregator.Tables tables = reconcileTables(md, context.getClient());
    StatusAggregator.Pods pods =
        StreamPods.observe(md, context, StatusAggregator.wantedReplicas(md));
    GatewayRoutes.Report routing = GatewayRoutes.reconcile(md, context.getClient());
    MusicDeliveryStatus previous = md.getStatus();
    md.setStatus(StatusAggregator.aggregate(md, tables, auth, pods, routing, Instant.now()));
    announce(context.getClient(), md, previous);
    UpdateControl<MusicDelivery> control = UpdateControl.patchStatus(md);
    return recheckAfter(md, tables, pods, routing).map(control::rescheduleAfter).orElse(control);
  }

  /**
   * A spec that cannot work: reported, and nothing made from it (what a former spec made stays as
   * it was). Looked at again when the spec changes.
   */
  private static UpdateControl<MusicDelivery> refuse(
      MusicDelivery md, KubernetesClient client, List<SpecValidation.Problem> problems) {
    log.warn(
        "MusicDelivery {}/{} cannot work, nothing made from it until it is fixed: {}",
        md.getMetadata().getNamespace(),
        Names.of(md),
        problems.stream().map(SpecValidation.Problem::toString).collect(Collectors.joining("; ")));
    MusicDeliveryStatus previous = md.getStatus();
    md.setStatus(StatusAggregator.invalid(md, problems, Instant.now()));
    announce(client, md, previous);
    return UpdateControl.patchStatus(md);
  }

  /** Brings the DynamoDB tables towards the spec; a failure is reported, not thrown. */
  private StatusAggregator.Tables reconcileTables(MusicDelivery md, KubernetesClient client) {
    StatusAggregator.Tables result;
    try {
      StreamTables.Location location = tables.location(md);
      result = StatusAggregator.Tables.reconciled(tables.reconcile(md, client), location);
    } catch (StreamTables.LocationChanged e) {
      result = StatusAggregator.Tables.unreachable("DynamoDbLocationChanged", e.getMessage());
    } catch (DynamoDbTablesException e) {
      result = StatusAggregator.Tables.unreachable(e.reason().name(), e.getMessage());
    } catch (StreamTables.CredentialsProblem e) {
      result = StatusAggregator.Tables.unreachable("CredentialsSecretInvalid", e.getMessage());
    }
    if (!result.reached()) {
      // also in the Degraded condition, but a log line says when, and each time (retried every
      // RECHECK) rather than only when the condition changes
      log.warn(
          "DynamoDB tables of {}/{} not reconciled ({}), retrying in {} s: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          result.failureReason(),
          RECHECK.toSeconds(),
          result.failure());
    }
    return result;
  }

  /**
   * When to look again: soon while tables are being made, every {@link #RECHECK} while they are
   * unreachable, pods roll out or the routing waits for something; never when all is done.
   */
  static Optional<Duration> recheckAfter(
      MusicDelivery md,
      StatusAggregator.Tables tables,
      StatusAggregator.Pods pods,
      GatewayRoutes.Report routing) {
    if (!tables.ready()) {
      return Optional.of(tables.reached() ? TABLES_RECHECK : RECHECK);
    }
    boolean done = pods.rolledOut(StatusAggregator.wantedReplicas(md)) && !routing.recheck();
    return done ? Optional.empty() : Optional.of(RECHECK);
  }

  /**
   * Runs before the resource goes (JOSDK holds a finalizer for it): with deletionPolicy Delete the
   * tables this resource created are deleted first; Retain keeps them.
   */
  @Override
  public DeleteControl cleanup(MusicDelivery md, Context<MusicDelivery> context) {
    // the secondary resources go with their owner references; this deletes none of them
    context.managedWorkflowAndDependentResourceContext().cleanupManageWorkflow();
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
    } catch (RuntimeException e) {
      // JOSDK would log it with its stack at every retry; one line, and the stack at DEBUG
      log.warn(
          "Cannot delete the DynamoDB tables of {} yet, retrying in {} s: {}",
          Names.of(md),
          RECHECK.toSeconds(),
          Conditions.describe(e));
      log.debug("Deleting the DynamoDB tables of {} failed", Names.of(md), e);
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
    // the one line of this failure: JOSDK's own (EventProcessor, ReconciliationDispatcher, with a
    // stack at each retry) are off (cadenza-operator-loggers.xml); the stack is here at DEBUG
    int failures = context.getRetryInfo().map(RetryInfo::getAttemptCount).orElse(0) + 1;
    log.warn(
        "Reconciling {}/{} failed ({} in a row; next try in {} s): {}",
        md.getMetadata().getNamespace(),
        Names.of(md),
        failures,
        nextTry(failures).toSeconds(),
        Conditions.describe(e));
    log.debug("Reconciling {}/{} failed", md.getMetadata().getNamespace(), Names.of(md), e);
    md.setStatus(StatusAggregator.failed(md, e, Instant.now()));
    return ErrorStatusUpdateControl.patchStatus(md);
  }

  /** When {@link #RETRY} tries again after this many failures in a row: JOSDK's own arithmetic. */
  static Duration nextTry(int failures) {
    RetryExecution execution = RETRY.initExecution();
    long delay = 0;
    for (int i = 0; i < failures; i++) {
      delay = execution.nextDelay().orElseThrow();
    }
    return Duration.ofMillis(delay);
  }

  private static boolean isConflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k && k.getCode() == 409) {
        return true;
      }
    }
    return false;
  }

  /** Each condition's status and reason, by type. */
  private static Map<String, String> reasons(MusicDeliveryStatus status) {
    Map<String, String> reasons = new HashMap<>();
    if (status != null && status.conditions != null) {
      status.conditions.forEach(c -> reasons.put(c.getType(), c.getStatus() + "/" + c.getReason()));
    }
    return reasons;
  }

  /**
   * Events for what a user watching {@code kubectl describe} wants to know happened between the
   * {@code previous} status and the resource's current one.
   */
  private static void announce(
      KubernetesClient client, MusicDelivery md, MusicDeliveryStatus previous) {
    Map<String, String> before = reasons(previous);
    for (String type : List.of("Ready", "Degraded", "RoutingReady")) {
      Condition now = md.getStatus().condition(type);
      if (now == null // RoutingReady, while no spec has been reconciled
          || (now.getStatus() + "/" + now.getReason()).equals(before.get(type))) {
        continue;
      }
      if (type.equals("RoutingReady")) {
        // a routing problem is worth a warning; its end is worth a note, a first success is not
        if (now.getStatus().equals("False")) {
          Events.warning(client, md, now.getReason(), now.getMessage());
        } else if (before.containsKey(type) && before.get(type).startsWith("False")) {
          Events.normal(client, md, now.getReason(), now.getMessage());
        }
      } else if (type.equals("Degraded") && now.getStatus().equals("True")) {
        Events.warning(client, md, now.getReason(), now.getMessage());
      } else if (type.equals("Ready") || before.containsKey(type)) {
        Events.normal(client, md, now.getReason(), now.getMessage());
      }
    }
  }
}
