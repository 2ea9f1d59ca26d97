package dev.cadenza.operator;

import static dev.cadenza.operator.testsupport.Jazz.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.dynamodb.TableSchema.Table;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.dependent.AuthSecrets;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import dev.cadenza.operator.dynamodb.DynamoDbTables.Ownership;
import dev.cadenza.operator.dynamodb.DynamoDbTables.Problem;
import dev.cadenza.operator.dynamodb.DynamoDbTables.TableReport;
import dev.cadenza.operator.testsupport.Jazz;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.net.ConnectException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The status a reconciliation reports, from what its steps reported, without an API server. */
class StatusAggregatorTest {

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Instant T1 = Instant.parse("2026-01-01T00:05:00.700Z");
  static final StreamTables.Location AT = new StreamTables.Location("eu-west-1", "http://db:8000");
  static final StatusAggregator.Pods TWO_READY = new StatusAggregator.Pods(2, 2, 2);
  static final GatewayRoutes.Report NO_ROUTING =
      new GatewayRoutes.Report(true, "NoRouting", "No routing.host", false);

  static TableReport table(Table table, String status, Problem... problems) {
    return new TableReport(
        table,
        "jazz-" + table.name().toLowerCase(),
        status,
        "arn:" + table,
        Ownership.OWNED,
        Arrays.asList(problems));
  }

  static StatusAggregator.Tables tables(TableReport... reports) {
    return StatusAggregator.Tables.reconciled(new DynamoDbTables.Report(List.of(reports)), AT);
  }

  static StatusAggregator.Tables active() {
    return tables(
        table(Table.CATALOG, "ACTIVE"),
        table(Table.CHUNKS, "ACTIVE"),
        table(Table.SESSIONS, "ACTIVE"));
  }

  static MusicDeliveryStatus aggregate(
      MusicDelivery md, StatusAggregator.Tables tables, StatusAggregator.Pods pods) {
    return StatusAggregator.aggregate(md, tables, AuthSecrets.Report.OK, pods, NO_ROUTING, T0);
  }

  static String summary(MusicDeliveryStatus status, String type) {
    Condition c = status.condition(type);
    return c.getStatus() + " " + c.getReason() + ": " + c.getMessage();
  }

  static MusicDelivery md(String spec) {
    return Jazz.jazz("generation: 3", spec);
  }

  @Test
  void rolledOutPodsAndActiveTablesAreReadyAtTheSpecsGeneration() {
    MusicDeliveryStatus status = aggregate(md(BASE), active(), TWO_READY);

    assertThat(summary(status, "Ready"))
        .isEqualTo("True StreamPodsReady: 2 of 2 stream pods ready");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("False RolledOut: All stream pods run the current configuration");
    assertThat(summary(status, "Degraded")).isEqualTo("False AsExpected: No problems found");
    assertThat(summary(status, "RoutingReady")).isEqualTo("True NoRouting: No routing.host");
    assertThat(status.conditions)
        .extracting(Condition::getType)
        .containsExactly("Degraded", "Progressing", "Ready", "RoutingReady");
    assertThat(status.conditions)
        .allSatisfy(
            c -> {
              assertThat(c.getObservedGeneration()).isEqualTo(3L);
              assertThat(c.getLastTransitionTime()).isEqualTo("2026-01-01T00:00:00Z");
            });
    assertThat(status.observedGeneration).isEqualTo(3L);
    assertThat(status.replicas).isEqualTo(2);
    assertThat(status.readyReplicas).isEqualTo(2);
    assertThat(status.selector)
        .isEqualTo("app.kubernetes.io/instance=jazz,app.kubernetes.io/name=cadenza-stream");
    assertThat(status.url).isEqualTo("http://jazz.music.svc.cluster.local");
    assertThat(status.tables).extracting(t -> t.name).hasSize(3).contains("jazz-catalog");
    assertThat(status.dynamodb.region).isEqualTo("eu-west-1");
    assertThat(status.dynamodb.endpoint).isEqualTo("http://db:8000");
  }

  @Test
  void podsStillRollingOutAreProgressingAndCountedAgainstTheDefaultReplicas() {
    MusicDeliveryStatus status = aggregate(md(BASE), active(), new StatusAggregator.Pods(2, 1, 1));

    assertThat(summary(status, "Ready"))
        .isEqualTo("False StreamPodsNotReady: 1 of 2 stream pods ready");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("True RollingOut: 1 of 2 stream pods run the current configuration");
  }

  @Test
  void autoscalingCountsItsMinimum() {
    MusicDelivery md = md(BASE + "autoscaling: {minReplicas: 3, maxReplicas: 6}\n");

    assertThat(summary(aggregate(md, active(), TWO_READY), "Ready"))
        .isEqualTo("False StreamPodsNotReady: 2 of 3 stream pods ready");
  }

  @Test
  void zeroReplicasIsScaledToZeroNotReady() {
    MusicDeliveryStatus status =
        aggregate(md(BASE + "replicas: 0\n"), active(), StatusAggregator.Pods.NONE);

    assertThat(summary(status, "Ready")).isEqualTo("False ScaledToZero: spec.replicas is 0");
    assertThat(summary(status, "Progressing")).isEqualTo("False RolledOut: Nothing to run");
  }

  @Test
  void tablesBeingCreatedKeepItFromReadyAndSayWhichAreMissing() {
    StatusAggregator.Tables creating =
        tables(
            table(Table.CATALOG, "ACTIVE"),
            table(Table.CHUNKS, "CREATING"),
            table(Table.SESSIONS, "ACTIVE"));

    MusicDeliveryStatus status = aggregate(md(BASE), creating, TWO_READY);

    assertThat(summary(status, "Ready"))
        .isEqualTo("False TablesNotReady: DynamoDB tables not ready: jazz-chunks (CREATING)");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("True CreatingTables: Waiting for the DynamoDB tables");
    assertThat(summary(status, "Degraded")).isEqualTo("False AsExpected: No problems found");
  }

  @Test
  void aBlockingTableProblemIsDegradedAndBlocksProgressWhileWarningsAreMentioned() {
    StatusAggregator.Tables conflict =
        tables(
            table(
                Table.CATALOG,
                "ACTIVE",
                new Problem(Problem.Kind.KEY_SCHEMA_CONFLICT, "keys differ")),
            table(Table.CHUNKS, "ACTIVE", new Problem(Problem.Kind.TTL_UNSUPPORTED, "no TTL")),
            table(Table.SESSIONS, "ACTIVE"));

    MusicDeliveryStatus status = aggregate(md(BASE), conflict, TWO_READY);

    assertThat(summary(status, "Degraded"))
        .isEqualTo("True TableConflict: jazz-catalog: keys differ");
    assertThat(summary(status, "Ready"))
        .isEqualTo("False TablesNotReady: DynamoDB tables unusable; see the Degraded condition");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("False Blocked: Waiting for the DynamoDB problem to be resolved");

    StatusAggregator.Tables warned =
        tables(
            table(Table.CATALOG, "ACTIVE"),
            table(Table.CHUNKS, "ACTIVE", new Problem(Problem.Kind.TTL_UNSUPPORTED, "no TTL")),
            table(Table.SESSIONS, "ACTIVE"));
    assertThat(summary(aggregate(md(BASE), warned, TWO_READY), "Degraded"))
        .isEqualTo("False AsExpected: Warnings: jazz-chunks: no TTL");
  }

  @Test
  void unreachableTablesAreDegradedWithTheirReasonAndTheRecordedOnesStay() {
    MusicDelivery md = md(BASE);
    md.setStatus(aggregate(md, active(), TWO_READY));

    MusicDeliveryStatus status =
        aggregate(
            md,
            StatusAggregator.Tables.unreachable("DynamoDbUnreachable", "connection refused"),
            TWO_READY);

    assertThat(summary(status, "Degraded"))
        .isEqualTo("True DynamoDbUnreachable: connection refused");
    assertThat(summary(status, "Ready"))
        .isEqualTo("False TablesNotReady: DynamoDB tables unusable; see the Degraded condition");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("False Blocked: Waiting for the DynamoDB problem to be resolved");
    assertThat(status.tables).as("the last tables seen").hasSize(3);
    assertThat(status.dynamodb.endpoint).as("where they were made").isEqualTo("http://db:8000");
  }

  @Test
  void aConditionsTransitionTimeMovesOnlyWithItsStatusAndTheInputStaysAsItWas() {
    MusicDelivery md = md(BASE);
    md.setStatus(aggregate(md, active(), new StatusAggregator.Pods(2, 1, 2)));
    MusicDeliveryStatus before = md.getStatus();

    MusicDeliveryStatus after =
        StatusAggregator.aggregate(md, active(), AuthSecrets.Report.OK, TWO_READY, NO_ROUTING, T1);

    assertThat(after.condition("Ready").getLastTransitionTime()).isEqualTo("2026-01-01T00:05:00Z");
    assertThat(after.condition("Degraded").getLastTransitionTime())
        .isEqualTo("2026-01-01T00:00:00Z");
    assertThat(md.getStatus()).isSameAs(before);
    assertThat(before.condition("Ready").getStatus()).isEqualTo("False");
  }

  @Test
  void theUrlIsTheHostOnceItRoutesElseTheService() {
    MusicDelivery ingress =
        md(BASE + "routing: {host: m.example.com, controller: nginx, tls: {secretName: t}}\n");
    assertThat(StatusAggregator.url(ingress, NO_ROUTING)).isEqualTo("https://m.example.com");

    MusicDelivery gateway =
        md(BASE + "routing: {host: m.example.com, controller: gateway, gateway: {name: g}}\n");
    GatewayRoutes.Report missing =
        new GatewayRoutes.Report(false, "GatewayApiMissing", "no CRD", true);
    GatewayRoutes.Report applied = new GatewayRoutes.Report(true, "HTTPRouteApplied", "ok", false);
    assertThat(StatusAggregator.url(gateway, missing))
        .isEqualTo("http://jazz.music.svc.cluster.local");
    assertThat(StatusAggregator.url(gateway, applied)).isEqualTo("http://m.example.com");

    MusicDeliveryStatus status =
        StatusAggregator.aggregate(
            gateway, active(), AuthSecrets.Report.OK, TWO_READY, missing, T0);
    assertThat(summary(status, "RoutingReady")).isEqualTo("False GatewayApiMissing: no CRD");
  }

  @Test
  void aFailedReconciliationIsDegradedAndNotReadyAndKeepsTheRest() {
    MusicDelivery md = md(BASE);
    md.setStatus(aggregate(md, active(), TWO_READY));

    MusicDeliveryStatus status =
        StatusAggregator.failed(
            md, new IllegalStateException("outer", new IllegalArgumentException("bad")), T1);

    assertThat(summary(status, "Degraded"))
        .isEqualTo("True ReconcileFailed: IllegalArgumentException: bad");
    assertThat(summary(status, "Ready"))
        .isEqualTo("False ReconcileFailed: See the Degraded condition");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("False RolledOut: All stream pods run the current configuration");
    assertThat(status.tables).hasSize(3);
  }

  static StatusAggregator.Pods explained(
      StatusAggregator.Pods pods, String reason, String message) {
    return pods.with(Optional.of(new PodDiagnosis(reason, message)), PodReports.NONE);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "LibraryClaimMissing",
        "LibraryClaimPending",
        "LibraryClaimLost",
        "ImagePullFailed",
        "ContainerCannotStart",
        "CrashLooping",
        "Unschedulable"
      })
  void whatKeepsThePodsFromBeingReadyIsTheReadyReasonAndDegraded(String reason) {
    StatusAggregator.Pods pods =
        explained(new StatusAggregator.Pods(2, 1, 2), reason, "what is wrong; what to change");

    MusicDeliveryStatus status = aggregate(md(BASE), active(), pods);

    assertThat(summary(status, "Ready"))
        .isEqualTo("False " + reason + ": 1 of 2 stream pods ready: what is wrong; what to change");
    assertThat(summary(status, "Degraded"))
        .isEqualTo("True " + reason + ": what is wrong; what to change");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("True RollingOut: 2 of 2 stream pods run the current configuration");
  }

  @Test
  void aMissingAuthSecretComesAfterTheTablesAndBeforeThePodsAndBlocks() {
    AuthSecrets.Report missing =
        new AuthSecrets.Report(List.of("spec.auth.adminPasswordSecret: Secret admin not found"));
    StatusAggregator.Pods stuck =
        explained(new StatusAggregator.Pods(2, 0, 2), "CannotStart", "CreateContainerConfigError");

    MusicDeliveryStatus status =
        StatusAggregator.aggregate(md(BASE), active(), missing, stuck, NO_ROUTING, T0);
    MusicDeliveryStatus tablesFirst =
        StatusAggregator.aggregate(
            md(BASE),
            StatusAggregator.Tables.unreachable("DynamoDbUnreachable", "connection refused"),
            missing,
            stuck,
            NO_ROUTING,
            T0);

    assertThat(summary(status, "Degraded"))
        .isEqualTo("True AuthSecretInvalid: spec.auth.adminPasswordSecret: Secret admin not found");
    assertThat(status.condition("Ready").getReason()).isEqualTo("AuthSecretInvalid");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("False Blocked: Waiting for the auth Secrets to be created");
    assertThat(tablesFirst.condition("Degraded").getReason()).isEqualTo("DynamoDbUnreachable");
  }

  @Test
  void theTablesProblemsComeBeforeThePodsAndPodsRolledOutNeedNoExplaining() {
    StatusAggregator.Pods crashing =
        explained(new StatusAggregator.Pods(2, 0, 2), "CrashLooping", "exit 1");
    StatusAggregator.Tables unreachable =
        StatusAggregator.Tables.unreachable("DynamoDbUnreachable", "connection refused");

    MusicDeliveryStatus blocked = aggregate(md(BASE), unreachable, crashing);
    assertThat(summary(blocked, "Degraded"))
        .isEqualTo("True DynamoDbUnreachable: connection refused");
    assertThat(blocked.condition("Ready").getReason()).isEqualTo("TablesNotReady");

    MusicDeliveryStatus creating =
        aggregate(
            md(BASE),
            tables(
                table(Table.CATALOG, "CREATING"),
                table(Table.CHUNKS, "ACTIVE"),
                table(Table.SESSIONS, "ACTIVE")),
            crashing);
    assertThat(summary(creating, "Degraded")).isEqualTo("True CrashLooping: exit 1");
    assertThat(creating.condition("Ready").getReason()).isEqualTo("TablesNotReady");

    MusicDeliveryStatus rolledOut =
        aggregate(md(BASE), active(), explained(TWO_READY, "CrashLooping", "an old pod"));
    assertThat(summary(rolledOut, "Degraded")).isEqualTo("False AsExpected: No problems found");
    assertThat(rolledOut.condition("Ready").getReason()).isEqualTo("StreamPodsReady");
  }

  @Test
  void theClockAndCatalogueAreWhatThePodsReportAndGoWhenNoneDoes() {
    PodReports reports =
        new PodReports(
            new PodReports.Clock(2, 1, "ntp", "2ms"), new PodReports.Catalogue(2, 8, 3L, 1));
    MusicDelivery md = md(BASE);

    md.setStatus(aggregate(md, active(), TWO_READY.with(Optional.empty(), reports)));
    MusicDeliveryStatus status = md.getStatus();

    assertThat(status.clock.pods).isEqualTo(2);
    assertThat(status.clock.synchronisedPods).isEqualTo(1);
    assertThat(status.clock.source).isEqualTo("ntp");
    assertThat(status.clock.worstOffset).isEqualTo("2ms");
    assertThat(status.catalogue.pods).isEqualTo(2);
    assertThat(status.catalogue.tracks).isEqualTo(8);
    assertThat(status.catalogue.generation).isEqualTo(3L);
    assertThat(status.catalogue.podsAgreeing).isEqualTo(1);

    MusicDeliveryStatus silent = aggregate(md, active(), TWO_READY);
    assertThat(silent.clock).isNull();
    assertThat(silent.catalogue).isNull();
    assertThat(StatusAggregator.failed(md, new IllegalStateException("x"), T1).clock)
        .as("a failed reconciliation keeps them")
        .isNotNull();
  }

  @Test
  void aFailedWorkflowIsDescribedByDependentWithTheApiServersWordsAndNoStack() {
    KubernetesClientException refused =
        new KubernetesClientException(
            new StatusBuilder()
                .withCode(422)
                .withMessage("deployments.apps \"jazz\" is forbidden: denied by policy")
                .build());
    var workflow =
        new AggregatedOperatorException(
            "Exception(s) during workflow execution.",
            Map.of(
                "service",
                new KubernetesClientException("Operation failed", new ConnectException("refused")),
                "deployment",
                refused));

    assertThat(workflow.getMessage()).contains("\tat "); // JOSDK's own: every stack
    assertThat(Conditions.describe(workflow))
        .isEqualTo(
            "deployment: the API server answered 422: deployments.apps \"jazz\" is forbidden:"
                + " denied by policy; service: ConnectException: refused");
    assertThat(Conditions.describe(new IllegalStateException("x".repeat(5000))))
        .hasSize(Conditions.MAX_FAILURE);
  }

  @Test
  void aSpecThatCannotWorkIsDegradedNamingTheFieldsAndKeepsTheRest() {
    MusicDelivery md = md(BASE);
    md.setStatus(aggregate(md, active(), TWO_READY));

    MusicDeliveryStatus status =
        StatusAggregator.invalid(
            md,
            List.of(
                new SpecValidation.Problem("spec.cache.ttl", "must be at least 1s"),
                new SpecValidation.Problem("spec.library.subPath", "must be relative")),
            T1);

    assertThat(summary(status, "Degraded"))
        .isEqualTo(
            "True InvalidSpec: The spec cannot work; nothing is made from it until it is fixed:"
                + " spec.cache.ttl: must be at least 1s; spec.library.subPath: must be relative");
    assertThat(summary(status, "Ready")).isEqualTo("False InvalidSpec: See the Degraded condition");
    assertThat(summary(status, "Progressing"))
        .isEqualTo("False InvalidSpec: Waiting for the spec to be fixed");
    assertThat(summary(status, "RoutingReady")).isEqualTo("True NoRouting: No routing.host");
    assertThat(status.observedGeneration).isEqualTo(3L);
    assertThat(status.tables).hasSize(3);
  }

  @Test
  void failedReconciliationsAreRetriedAfterGrowingDelays() {
    assertThat(
            IntStream.rangeClosed(1, 12)
                .mapToObj(n -> MusicDeliveryReconciler.nextTry(n).toSeconds())
                .toList())
        .containsExactly(2L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 256L, 300L, 300L, 300L);
  }

  @Test
  void theReconcilerLooksAgainWhileSomethingIsUnderWay() {
    MusicDelivery md = md(BASE);
    StatusAggregator.Tables creating =
        tables(
            table(Table.CATALOG, "CREATING"),
            table(Table.CHUNKS, "ACTIVE"),
            table(Table.SESSIONS, "ACTIVE"));
    StatusAggregator.Tables unreachable = StatusAggregator.Tables.unreachable("X", "y");
    GatewayRoutes.Report waiting = new GatewayRoutes.Report(true, "HTTPRouteApplied", "", true);

    assertThat(MusicDeliveryReconciler.recheckAfter(md, creating, TWO_READY, NO_ROUTING))
        .contains(Duration.ofSeconds(3));
    assertThat(MusicDeliveryReconciler.recheckAfter(md, unreachable, TWO_READY, NO_ROUTING))
        .contains(Duration.ofSeconds(30));
    assertThat(
            MusicDeliveryReconciler.recheckAfter(
                md, active(), new StatusAggregator.Pods(2, 1, 2), NO_ROUTING))
        .contains(Duration.ofSeconds(30));
    assertThat(MusicDeliveryReconciler.recheckAfter(md, active(), TWO_READY, waiting))
        .contains(Duration.ofSeconds(30));
    assertThat(MusicDeliveryReconciler.recheckAfter(md, active(), TWO_READY, NO_ROUTING)).isEmpty();
  }
}
