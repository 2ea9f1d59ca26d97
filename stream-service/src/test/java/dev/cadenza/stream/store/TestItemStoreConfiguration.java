package dev.cadenza.stream.store;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The {@link ItemStore} of every application context the tests start (component scanning finds this
 * class on the test classpath), until the real {@code StoreConfiguration} provides one: then two
 * beans clash, and this file is deleted.
 */
@Configuration(proxyBeanMethods = false)
class TestItemStoreConfiguration {

  @Bean
  ItemStore itemStore() {
    return new InMemoryItemStore();
  }
}
