package dev.cadenza.stream.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.testsupport.Dynalite;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code cadenza.dynamodb.create-tables} when DynamoDB does not answer at start-up, as when a local
 * stack's processes all start at once on a busy machine (seen in MultiProcessIT: both instances'
 * first call timed out waiting for a connection, and they ran without tables from then on).
 */
class CreateTablesTest {

  @Test
  void tablesThatCouldNotBeCreatedAtStartUpAreCreatedOnceDynamoDbAnswers() {
    try (Dynalite dynalite = Dynalite.start()) {
      dynalite.stop(); // the port refuses connections: the first attempt fails
      CadenzaProperties.DynamoDb settings =
          new CadenzaProperties.DynamoDb(
              "late",
              "us-east-1",
              dynalite.endpoint(),
              true,
              Duration.ofSeconds(1),
              Duration.ofSeconds(5),
              Duration.ofSeconds(10),
              Duration.ofSeconds(1));
      try (SharedTables tables = LocalTables.open(settings)) {
        tables.createMissingRetrying(Duration.ofSeconds(10), Duration.ofMillis(200));
        dynalite.restart();
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(dynalite.tableNames())
                        .containsExactlyInAnyOrder(
                            tables.catalog(), tables.chunks(), tables.sessions(), tables.users()));
      }
    }
  }
}
