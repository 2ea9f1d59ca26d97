package dev.cadenza.stream.store;

import dev.cadenza.stream.dynamodb.SharedTables;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one {@link ItemStore}: the DynamoDB users table when {@code cadenza.dynamodb.table-prefix} is
 * set (a {@link SharedTables} bean exists, shared by all pods), else the embedded file under {@code
 * cadenza.data.dir}. The bean is also the {@code store} health indicator, and is closed on
 * shutdown.
 */
@Configuration(proxyBeanMethods = false)
class StoreConfiguration {

  private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);

  @Bean(destroyMethod = "close")
  StoreBackend store(
      ObjectProvider<SharedTables> tables, DataProperties data, MeterRegistry meters) {
    SharedTables shared = tables.getIfAvailable();
    if (shared != null) {
      log.info("Users and their music data in DynamoDB table {}", shared.users());
      return new DynamoDbItemStore(shared, meters);
    }
    return EmbeddedItemStore.open(data.directory());
  }
}
