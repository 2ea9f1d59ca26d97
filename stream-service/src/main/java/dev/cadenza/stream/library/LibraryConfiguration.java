package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.store.DataProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The library: its catalogue shared through the DynamoDB catalog table when {@code
 * cadenza.dynamodb.table-prefix} is set (a {@link SharedTables} bean exists), else kept to this
 * process and saved in {@code cadenza.data.dir} between runs ({@link CatalogFile}), where the demo
 * library is extracted too when no library path is set.
 */
@Configuration(proxyBeanMethods = false)
class LibraryConfiguration {

  /**
   * Where the demo library is extracted in {@code cadenza.data.dir}: a stable place, so that a
   * restart serves the catalogue it saved for it. With DynamoDB nothing is written there, and it
   * goes to a temporary directory instead.
   */
  static final String DEMO_LIBRARY = "demo-library";

  @Bean
  Library library(
      CadenzaProperties properties,
      TagReader tagReader,
      MeterRegistry meters,
      ObjectProvider<SharedTables> tables,
      DataProperties data)
      throws IOException {
    SharedTables shared = tables.getIfAvailable();
    if (shared != null) {
      return new Library(
          properties,
          tagReader,
          meters,
          new DynamoDbCatalogSharing(shared, meters),
          DemoLibrary::extract);
    }
    return new Library(
        properties,
        tagReader,
        meters,
        new LocalCatalogSharing(new CatalogFile(data.directory())),
        () -> DemoLibrary.extractInto(data.directory().resolve(DEMO_LIBRARY)));
  }
}
