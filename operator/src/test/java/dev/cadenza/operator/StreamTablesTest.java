package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.crd.v1alpha1.DynamoDb;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliverySpec;
import dev.cadenza.operator.dynamodb.DynamoDbTables;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The tables' client cache across an operator's stop and start. */
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

      assertThat(tables.reconcile(md, null).tables()).hasSize(3);
      tables.close(); // the operator stopped
      DynamoDbTables.Report again = tables.reconcile(md, null); // and started again
      assertThat(again.tables())
          .extracting(DynamoDbTables.TableReport::name)
          .containsExactly("jazz-catalog", "jazz-chunks", "jazz-sessions");
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
      assertThat(tables.reconcile(md("blues", null), null).tables()).hasSize(3);
      assertThat(tables.reconcile(md("soul", ""), null).tables()).hasSize(3);
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
          .hasSize(3);
      assertThat(dynalite.tableNames()).contains("funk-catalog", "funk-chunks", "funk-sessions");
    }
  }
}
