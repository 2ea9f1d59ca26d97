package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The tables' client cache across an operator's stop and start, the default endpoint, and the
 * location recorded in the status: deletion goes there whatever the defaults or the spec say now.
 */
class StreamTablesTest {

  @Test
  void afterCloseTheNextReconciliationBuildsANewClientInsteadOfUsingTheClosedOne() {
    Dynalite.useAsDefaultCredentials();
    try (Dynalite dynalite = Dynalite.start()) {
      StreamTables tables =
          new StreamTables(
              new OperatorSettings(OperatorSettings.DEFAULT_IMAGE, Set.of("x"), "eu-west-1"));
      MusicDelivery md = new MusicDelivery();
      md.setMetadata(new ObjectMetaBuilder().withNamespace("x").withName("jazz").build());
      md.setSpec(new MusicDeliverySpec());
      md.getSpec().dynamodb = new DynamoDb();
      md.getSpec().dynamodb.tablePrefix = "jazz";
      md.getSpec().dynamodb.endpoint = dynalite.endpoint().toString();

      assertThat(tables.reconcile(md, null).tables()).hasSize(4);
      tables.close(); // the operator stopped
      DynamoDbTables.Report again = tables.reconcile(md, null); // and started again
      assertThat(again.tables())
          .extracting(DynamoDbTables.TableReport::name)
          .containsExactly("jazz-catalog", "jazz-chunks", "jazz-sessions", "jazz-users");
      tables.close();
    }
  }

  private static MusicDelivery md(String prefix, String endpoint) {
    MusicDelivery md = new MusicDelivery();
    md.setMetadata(new ObjectMetaBuilder().withNamespace("x").withName(prefix).build());
    md.setSpec(new MusicDeliverySpec());
    md.getSpec().dynamodb = new DynamoDb();
    md.getSpec().dynamodb.tablePrefix = prefix;
    md.getSpec().dynamodb.endpoint = endpoint;
    return md;
  }

  @Test
  void aResourceWithoutAnEndpointHasItsTablesAtTheOperatorsDefaultEndpoint() {
    Dynalite.useAsDefaultCredentials();
    try (Dynalite dynalite = Dynalite.start();
        StreamTables tables =
            new StreamTables(
                new OperatorSettings(OperatorSettings.DEFAULT_IMAGE, Set.of("x"), "eu-west-1")
                    .withDynamoDbEndpoint(dynalite.endpoint().toString()))) {
      assertThat(tables.reconcile(md("blues", null), null).tables()).hasSize(4);
      assertThat(tables.reconcile(md("soul", ""), null).tables()).hasSize(4);
      assertThat(dynalite.tableNames())
          .contains(
              "blues-catalog",
              "blues-chunks",
              "blues-sessions",
              "soul-catalog",
              "soul-chunks",
              "soul-sessions");
    }
  }

  @Test
  void aResourcesOwnEndpointWinsOverTheOperatorsDefault() {
    Dynalite.useAsDefaultCredentials();
    try (Dynalite dynalite = Dynalite.start();
        StreamTables tables =
            new StreamTables(
                new OperatorSettings(OperatorSettings.DEFAULT_IMAGE, Set.of("x"), "eu-west-1")
                    // nothing listens there: a call to it would fail
                    .withDynamoDbEndpoint("http://127.0.0.1:1"))) {
      assertThat(tables.reconcile(md("funk", dynalite.endpoint().toString()), null).tables())
          .hasSize(4);
      assertThat(dynalite.tableNames())
          .contains("funk-catalog", "funk-chunks", "funk-sessions", "funk-users");
    }
  }

  /** Tables of an operator whose default endpoint is the given dynalite. */
  private static StreamTables tablesAt(Dynalite dynalite) {
    return new StreamTables(
        new OperatorSettings(OperatorSettings.DEFAULT_IMAGE, Set.of("x"), "eu-west-1")
            .withDynamoDbEndpoint(dynalite.endpoint().toString()));
  }

  /** Reconciles and records where, as the reconciler does in the status. */
  private static void reconcileAndRecord(StreamTables tables, MusicDelivery md) {
    assertThat(tables.reconcile(md, null).tables()).hasSize(4);
    if (md.getStatus() == null) {
      md.setStatus(new MusicDeliveryStatus());
    }
    md.getStatus().dynamodb = tables.location(md).toStatus();
  }

  /** Deletes until DynamoDB has taken every DeleteTable (new tables are CREATING for a while). */
  private static DynamoDbTables.DeletionReport deleteUntilDone(
      StreamTables tables, MusicDelivery md) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> tables.delete(md, null), DynamoDbTables.DeletionReport::done);
  }

  private static void awaitTablesGone(Dynalite dynalite, String prefix) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(dynalite.tableNames())
                    .doesNotContain(prefix + "-catalog", prefix + "-chunks", prefix + "-sessions"));
  }

  private static TableStatus status(Dynalite dynalite, String table) {
    try (var client = dynalite.client()) {
      return client.describeTable(b -> b.tableName(table)).table().tableStatus();
    }
  }

  @Test
  void afterTheDefaultEndpointChangesDeletionGoesWhereTheTablesWereMade() {
    Dynalite.useAsDefaultCredentials();
    try (Dynalite first = Dynalite.start();
        Dynalite second = Dynalite.start()) {
      MusicDelivery md = md("rock", null);
      try (StreamTables before = tablesAt(first)) {
        reconcileAndRecord(before, md);
      }
      assertThat(md.getStatus().dynamodb.endpoint).isEqualTo(first.endpoint().toString());
      assertThat(md.getStatus().dynamodb.region).isEqualTo("eu-west-1");
      // another installation's tables of the same names (and owner tag) at the new default
      try (StreamTables other = tablesAt(second)) {
        assertThat(other.reconcile(md("rock", null), null).tables()).hasSize(4);
      }

      // the operator restarted with the new default endpoint
      try (StreamTables after = tablesAt(second)) {
        assertThatThrownBy(() -> after.reconcile(md, null))
            .as("not reconciled at the new default: reported")
            .isInstanceOf(StreamTables.LocationChanged.class)
            .hasMessageContaining(first.endpoint().toString())
            .hasMessageContaining(second.endpoint().toString());
        assertThat(deleteUntilDone(after, md).tables())
            .extracting(DynamoDbTables.TableDeletion::outcome)
            .containsOnly(DynamoDbTables.DeletionOutcome.DELETING);
      }
      awaitTablesGone(first, "rock");
      for (String table : new String[] {"rock-catalog", "rock-chunks", "rock-sessions"}) {
        assertThat(status(second, table))
            .as("the other installation's %s is untouched", table)
            .isNotEqualTo(TableStatus.DELETING);
      }
    }
  }

  @Test
  void anEditedSpecEndpointOrRegionIsReportedAndDeletionStillGoesWhereTheTablesWereMade() {
    Dynalite.useAsDefaultCredentials();
    try (Dynalite first = Dynalite.start();
        Dynalite second = Dynalite.start();
        StreamTables tables = tablesAt(second)) {
      MusicDelivery md = md("punk", first.endpoint().toString());
      reconcileAndRecord(tables, md);

      md.getSpec().dynamodb.region = "eu-central-1";
      assertThatThrownBy(() -> tables.reconcile(md, null))
          .isInstanceOf(StreamTables.LocationChanged.class)
          .hasMessageContaining("eu-central-1");
      md.getSpec().dynamodb.region = null;
      md.getSpec().dynamodb.endpoint = second.endpoint().toString();
      assertThatThrownBy(() -> tables.reconcile(md, null))
          .isInstanceOf(StreamTables.LocationChanged.class)
          .hasMessageContaining("status.dynamodb");
      assertThat(second.tableNames()).as("nothing made at the new endpoint").isEmpty();

      deleteUntilDone(tables, md);
      awaitTablesGone(first, "punk");

      // with the record removed (the user moves on), the new endpoint is used and recorded
      MusicDelivery moved = md("punk", second.endpoint().toString());
      reconcileAndRecord(tables, moved);
      assertThat(second.tableNames()).contains("punk-catalog", "punk-chunks", "punk-sessions");
      assertThat(moved.getStatus().dynamodb.endpoint).isEqualTo(second.endpoint().toString());
    }
  }

  @Test
  void withNothingRecordedDeletionGoesToTheCurrentLocation() {
    Dynalite.useAsDefaultCredentials();
    try (Dynalite dynalite = Dynalite.start();
        StreamTables tables = tablesAt(dynalite)) {
      assertThat(tables.reconcile(md("ska", null), null).tables()).hasSize(4);
      MusicDelivery unrecorded = md("ska", null); // e.g. made by an operator before the record
      assertThat(StreamTables.Location.recorded(unrecorded)).isNull();
      deleteUntilDone(tables, unrecorded);
      awaitTablesGone(dynalite, "ska");
    }
  }
}
