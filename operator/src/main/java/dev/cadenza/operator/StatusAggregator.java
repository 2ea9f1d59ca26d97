package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.crd.v1alpha1.Routing;
import dev.cadenza.operator.dependent.AuthSecrets;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The status of a MusicDelivery, composed in one place from what each step of a reconciliation
 * reported (as Keycloak's KeycloakStatusAggregator does). A pure function: it reads the resource
 * and the steps' results, returns a new status, and touches neither.
 */
final class StatusAggregator {

  private StatusAggregator() {}

  /**
   * What the DynamoDB step reported: the tables and where they are, or why they were not reached.
   *
   * @param report the tables' report; null when they were not reached
   * @param location where they are; null when they were not reached
   * @param failureReason the Degraded reason when they were not reached, else null
   * @param failure what went wrong, else null
   */
  record Tables(
      DynamoDbTables.Report report,
      StreamTables.Location location,
      String failureReason,
      String failure) {

    static Tables reconciled(DynamoDbTables.Report report, StreamTables.Location location) {
      return new Tables(Objects.requireNonNull(report), location, null, null);
    }

    static Tables unreachable(String reason, String failure) {
      return new Tables(null, null, reason, failure);
    }

    boolean reached() {
      return report != null;
    }

    boolean ready() {
      return reached() && report.ready();
    }

    /** Unusable until the user acts: not reached, or reached with a blocking problem. */
    boolean blocked() {
      return !reached() || !report.blockingProblems().isEmpty();
    }
  }

  /**
   * The stream pods: as the Deployment's status counts them (zeros before it has one), why they are
   * not ready when the pods and the library's claim say, and what the ready ones report.
   *
   * @param diagnosis what keeps them from being ready; empty when nothing does or nothing is known
   * @param reports their clock and catalogue
   */
  record Pods(
      int replicas, int ready, int updated, Optional<PodDiagnosis> diagnosis, PodReports reports) {

    static final Pods NONE = new Pods(0, 0, 0);

    /** Counts alone: no diagnosis, no reports. */
    Pods(int replicas, int ready, int updated) {
      this(replicas, ready, updated, Optional.empty(), PodReports.NONE);
    }

    /** The same counts with this diagnosis and these reports. */
    Pods with(Optional<PodDiagnosis> diagnosis, PodReports reports) {
      return new Pods(replicas, ready, updated, diagnosis, reports);
    }

    static Pods of(DeploymentStatus status) {
      if (status == null) {
        return NONE;
      }
      return new Pods(
          Objects.requireNonNullElse(status.getReplicas(), 0),
          Objects.requireNonNullElse(status.getReadyReplicas(), 0),
          Objects.requireNonNullElse(status.getUpdatedReplicas(), 0));
    }

    /** Every wanted pod runs the current configuration and is ready. */
    boolean rolledOut(int wanted) {
      return updated >= wanted && ready >= wanted;
    }
  }

  /**
   * The status after a reconciliation: the tables, auth Secrets, pods and routing as reported, the
   * Ready, Progressing, Degraded and RoutingReady conditions they give, and the previous status's
   * conditions' transition times where their status stays.
   *
   * @param now the time of a condition whose status changes
   */
  static MusicDeliveryStatus aggregate(
      MusicDelivery md,
      Tables tables,
      AuthSecrets.Report auth,
      Pods pods,
      GatewayRoutes.Report routing,
      Instant now) {
    MusicDeliveryStatus status = copyOf(md.getStatus());
    if (tables.reached()) {
      status.tables = tables.report().toStatus();
      // where the tables are, for their deletion even after the defaults change
      status.dynamodb = tables.location().toStatus();
    }
    int wanted = wantedReplicas(md);
    status.replicas = pods.replicas();
    status.readyReplicas = pods.ready();
    status.selector =
        Names.selector(md).entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue())
            .sorted()
            .collect(Collectors.joining(","));
    status.url = url(md, routing);
    status.clock = pods.reports().clockStatus();
    status.catalogue = pods.reports().catalogueStatus();

    long generation = md.getMetadata().getGeneration();
    Conditions conditions = new Conditions(status, generation, now);
    // what keeps the pods from being ready matters only while they are not
    Optional<PodDiagnosis> diagnosis =
        wanted > 0 && !pods.rolledOut(wanted) ? pods.diagnosis() : Optional.empty();
    degraded(conditions, tables, auth, diagnosis);
    if (!tables.ready()) {
      conditions.set(
          "Ready",
          false,
          "TablesNotReady",
          tables.blocked()
              ? "DynamoDB tables unusable; see the Degraded condition"
              : "DynamoDB tables not ready: " + String.join(", ", tables.report().pending()));
      if (tables.blocked()) {
        conditions.set(
            "Progressing", false, "Blocked", "Waiting for the DynamoDB problem to be resolved");
      } else {
        conditions.set("Progressing", true, "CreatingTables", "Waiting for the DynamoDB tables");
      }
    } else if (!auth.ok()) {
      conditions.set(
          "Ready",
          false,
          AUTH_SECRET_INVALID,
          "The stream pods cannot start without their auth Secrets; see the Degraded condition");
      conditions.set("Progressing", false, "Blocked", "Waiting for the auth Secrets to be created");
    } else if (pods.rolledOut(wanted) && wanted > 0) {
      conditions.set(
          "Ready", true, "StreamPodsReady", pods.ready() + " of " + wanted + " stream pods ready");
      conditions.set(
          "Progressing", false, "RolledOut", "All stream pods run the current configuration");
    } else if (wanted == 0) {
      conditions.set("Ready", false, "ScaledToZero", "spec.replicas is 0");
      conditions.set("Progressing", false, "RolledOut", "Nothing to run");
    } else {
      String counted = pods.ready() + " of " + wanted + " stream pods ready";
      conditions.set(
          "Ready",
          false,
          diagnosis.map(PodDiagnosis::reason).orElse("StreamPodsNotReady"),
          diagnosis.map(d -> counted + ": " + d.message()).orElse(counted));
      conditions.set(
          "Progressing",
          true,
          "RollingOut",
          pods.updated() + " of " + wanted + " stream pods run the current configuration");
    }
    conditions.set("RoutingReady", routing.ready(), routing.reason(), routing.message());
    status.observedGeneration = generation;
    return status;
  }

  /** Degraded reason of a missing auth Secret or key ({@link AuthSecrets}). */
  static final String AUTH_SECRET_INVALID = "AuthSecretInvalid";

  /**
   * The tables' problems first (nothing works without them), then the auth Secrets' (no pod starts
   * without them), then the pods'.
   */
  private static void degraded(
      Conditions conditions,
      Tables tables,
      AuthSecrets.Report auth,
      Optional<PodDiagnosis> diagnosis) {
    if (!tables.reached()) {
      conditions.set("Degraded", true, tables.failureReason(), tables.failure());
    } else if (!tables.report().blockingProblems().isEmpty()) {
      conditions.set(
          "Degraded", true, "TableConflict", String.join("; ", tables.report().blockingProblems()));
    } else if (!auth.ok()) {
      conditions.set("Degraded", true, AUTH_SECRET_INVALID, String.join("; ", auth.problems()));
    } else if (diagnosis.isPresent()) {
      conditions.set("Degraded", true, diagnosis.get().reason(), diagnosis.get().message());
    } else {
      conditions.set(
          "Degraded",
          false,
          "AsExpected",
          tables.report().warnings().isEmpty()
              ? "No problems found"
              : "Warnings: " + String.join("; ", tables.report().warnings()));
    }
  }

  /**
   * The status after a reconciliation that failed with {@code e}: Degraded and not Ready, the rest
   * as it was.
   */
  static MusicDeliveryStatus failed(MusicDelivery md, Exception e, Instant now) {
    MusicDeliveryStatus status = copyOf(md.getStatus());
    Conditions conditions = new Conditions(status, md.getMetadata().getGeneration(), now);
    conditions.set("Degraded", true, "ReconcileFailed", Conditions.describe(e));
    conditions.set("Ready", false, "ReconcileFailed", "See the Degraded condition");
    return status;
  }

  /**
   * The status of a resource whose spec cannot work: Degraded {@code InvalidSpec} naming each field
   * and what to do, not Ready, not progressing; the rest (what a former spec made) as it was.
   */
  static MusicDeliveryStatus invalid(
      MusicDelivery md, List<SpecValidation.Problem> problems, Instant now) {
    MusicDeliveryStatus status = copyOf(md.getStatus());
    long generation = md.getMetadata().getGeneration();
    Conditions conditions = new Conditions(status, generation, now);
    conditions.set(
        "Degraded",
        true,
        "InvalidSpec",
        "The spec cannot work; nothing is made from it until it is fixed: "
            + problems.stream()
                .map(SpecValidation.Problem::toString)
                .collect(Collectors.joining("; ")));
    conditions.set("Ready", false, "InvalidSpec", "See the Degraded condition");
    conditions.set("Progressing", false, "InvalidSpec", "Waiting for the spec to be fixed");
    status.observedGeneration = generation;
    return status;
  }

  /** The stream pods the status counts on: autoscaling's minimum, else spec.replicas. */
  static int wantedReplicas(MusicDelivery md) {
    MusicDeliverySpec spec = md.getSpec();
    if (spec.autoscaling != null) {
      return spec.autoscaling.minReplicas;
    }
    return Objects.requireNonNullElse(spec.replicas, MusicDeliverySpec.DEFAULT_REPLICAS);
  }

  /** Where players reach the service: the routed host once it routes, else the Service. */
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

  /** A copy to change, so that the resource's own status stays as it was read. */
  private static MusicDeliveryStatus copyOf(MusicDeliveryStatus previous) {
    MusicDeliveryStatus status = new MusicDeliveryStatus();
    if (previous == null) {
      return status;
    }
    status.observedGeneration = previous.observedGeneration;
    if (previous.conditions != null) {
      status.conditions = new ArrayList<>(previous.conditions);
    }
    status.replicas = previous.replicas;
    status.readyReplicas = previous.readyReplicas;
    status.selector = previous.selector;
    status.url = previous.url;
    status.tables = previous.tables;
    status.dynamodb = previous.dynamodb;
    status.clock = previous.clock;
    status.catalogue = previous.catalogue;
    return status;
  }
}
