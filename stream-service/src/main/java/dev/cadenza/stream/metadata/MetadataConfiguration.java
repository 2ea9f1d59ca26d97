package dev.cadenza.stream.metadata;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The track embedder. Its model loads at start-up on the embedder's own thread, so neither the
 * context nor readiness waits for it (about a second of CPU on 2 cores); until then the {@code
 * metadata} health says {@code loading}.
 */
@Configuration(proxyBeanMethods = false)
public class MetadataConfiguration {

  @Bean(destroyMethod = "close")
  Embedder embedder(MetadataSettings settings) {
    return Embedder.start(settings);
  }
}
