package dev.cadenza.stream.cache;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.Library;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The chunk cache, with the DynamoDB chunks table as its L2 when {@code
 * cadenza.dynamodb.table-prefix} is set (a {@link SharedTables} bean), else with no L2; originals
 * go through it or come from the page cache as {@link OriginalsTier} chooses.
 */
@Configuration(proxyBeanMethods = false)
class ChunkCacheConfiguration {

  /** Named {@code chunkCache}: the health component's name. */
  @Bean
  ChunkCache chunkCache(
      CadenzaProperties properties,
      ObjectProvider<SharedTables> tables,
      Library library,
      MeterRegistry meters) {
    CacheMetrics metrics = new CacheMetrics(meters);
    SharedTables shared = tables.getIfAvailable();
    SharedTier l2 =
        shared != null
            ? new DynamoDbTier(shared, properties.cache(), metrics, Clock.systemUTC())
            : SharedTier.NONE;
    OriginalsTier originals =
        properties.cache().enabled()
            ? OriginalsTier.choose(properties.cache().originals(), shared != null, library.root())
            : OriginalsTier.PAGE_CACHE; // no cache: every response is read from the file
    return new ChunkCache(properties, metrics, l2, originals);
  }
}
