package dev.cadenza.stream.metadata;

import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code metadata} health: whether track embeddings are on, and why not. Always UP: the service
 * streams music without them, so it is not part of readiness.
 */
@Component
public class MetadataHealthIndicator implements HealthIndicator {

  private final Embedder embedder;

  public MetadataHealthIndicator(Embedder embedder) {
    this.embedder = embedder;
  }

  @Override
  public Health health() {
    Health.Builder health = Health.up();
    Embedder.State state = embedder.state();
    health.withDetail("embeddings", state.name().toLowerCase(Locale.ROOT));
    if (state == Embedder.State.DISABLED) {
      health.withDetail("reason", embedder.reason());
    } else {
      health.withDetail("model", Embedder.MODEL_NAME);
    }
    return health.build();
  }
}
