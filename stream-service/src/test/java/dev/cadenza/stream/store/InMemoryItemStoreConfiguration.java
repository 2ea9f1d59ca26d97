package dev.cadenza.stream.store;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link ItemStore} of every application context the tests start, until the service has its own
 * ({@code StoreConfiguration}): picked up by the component scan of the test classpath. Delete this
 * file when the real store configuration is merged.
 */
@Configuration(proxyBeanMethods = false)
public class InMemoryItemStoreConfiguration {

  @Bean
  ItemStore itemStore() {
    return new InMemoryItemStore();
  }
}
