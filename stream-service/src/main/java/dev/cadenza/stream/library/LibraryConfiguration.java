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
 * process and saved in {@code cadenza.data.dir} between runs ({@link CatalogFile}).
 */
@Configuration(proxyBeanMethods = false)
class LibraryConfiguration {

  @Bean
  Library library(
      CadenzaProperties properties,
      TagReader tagReader,
      MeterRegistry meters,
      ObjectProvider<SharedTables> tables,
      DataProperties data)
      throws IOException {
    SharedTables shared = tables.getIfAvailable();
    CatalogSharing sharing =
        shared != null
            ? new DynamoDbCatalogSharing(shared, meters)
            : new LocalCatalogSharing(new CatalogFile(data.directory()));
    return new Library(properties, tagReader, meters, sharing);
  }
}
