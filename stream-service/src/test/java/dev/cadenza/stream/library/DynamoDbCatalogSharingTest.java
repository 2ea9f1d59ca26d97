package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@link CatalogSharingContract} of the catalogue shared through DynamoDB (dynalite), each test
 * with tables of its own: a lone pod takes the lease and is the scanner.
 */
@ExtendWith(DynaliteExtension.class)
class DynamoDbCatalogSharingTest extends CatalogSharingContract {

  private static Dynalite dynalite;

  private CadenzaProperties.DynamoDb settings;

  @BeforeAll
  static void dynalite(Dynalite server) {
    SharedCatalogTest.quietClientLogs();
    dynalite = server;
  }

  @BeforeEach
  void tables() {
    settings =
        SharedCatalogFixtures.dynamodb(
            SharedCatalogFixtures.uniquePrefix(),
            dynalite.endpoint(),
            Duration.ofSeconds(2),
            Duration.ofMillis(200));
    client().createMissing(WAIT);
  }

  /** One pod's client, as each pod has its own. */
  private SharedTables client() {
    return closeLater(SharedCatalogFixtures.tables(settings));
  }

  @Override
  CatalogSharing sharing(SimpleMeterRegistry meters) {
    return new DynamoDbCatalogSharing(client(), meters);
  }

  @Override
  String loneMode() {
    return "shared-scanner";
  }
}
