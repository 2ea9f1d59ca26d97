package dev.cadenza.stream.metadata;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The track embedder. Its model loads at start-up on the embedder's own thread, so neither the
 * context nor readiness waits for it (about a second of CPU on 2 cores); until then the {@code
 * metadata} health says {@code loading}. The model is freed when idle and loaded again on demand;
 * two meters say when.
 */
@Configuration(proxyBeanMethods = false)
public class MetadataConfiguration {

  @Bean(destroyMethod = "close")
  Embedder embedder(MetadataSettings settings) {
    return Embedder.start(settings);
  }

  @Bean
  MeterBinder embeddingModelMeters(Embedder embedder) {
    return meters -> {
      Gauge.builder("cadenza.metadata.model.resident", embedder, e -> e.modelResident() ? 1 : 0)
          .description("1 while the embedding model is loaded, 0 once freed when idle (or off)")
          .register(meters);
      FunctionCounter.builder("cadenza.metadata.model.loads", embedder, Embedder::modelLoads)
          .description("times the embedding model was loaded, the first time included")
          .register(meters);
    };
  }
}
