package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The library: its catalogue shared through the DynamoDB catalog table when {@code
 * cadenza.dynamodb.table-prefix} is set (a {@link SharedTables} bean exists), else kept to this
 * process.
 */
@Configuration(proxyBeanMethods = false)
class LibraryConfiguration {

  @Bean
  Library library(
      CadenzaProperties properties,
      TagReader tagReader,
      MeterRegistry meters,
      ObjectProvider<SharedTables> tables)
      throws IOException {
    SharedTables shared = tables.getIfAvailable();
    CatalogSharing sharing =
        shared != null ? new DynamoDbCatalogSharing(shared, meters) : new LocalCatalogSharing();
    return new Library(properties, tagReader, meters, sharing);
  }
}
