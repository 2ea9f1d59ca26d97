package dev.cadenza.stream.metadata;

import java.util.Locale;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code metadata} health: whether track embeddings are on (and why not), and how much of the
 * catalogue is embedded. Always UP: the service streams music without them, so it is not part of
 * readiness.
 */
@Component
public class MetadataHealthIndicator implements HealthIndicator {

  private final Embedder embedder;
  private final TrackEmbeddings embeddings;

  public MetadataHealthIndicator(Embedder embedder, TrackEmbeddings embeddings) {
    this.embedder = embedder;
    this.embeddings = embeddings;
  }

  @Override
  public Health health() {
    Health.Builder health = Health.up();
    Embedder.State state = embedder.state();
    health.withDetail("embeddings", state.name().toLowerCase(Locale.ROOT));
    if (state == Embedder.State.DISABLED) {
      health.withDetail("reason", embedder.reason());
      return health.build();
    }
    health.withDetail("model", Embedder.MODEL_NAME);
    health.withDetail("embeddedTracks", embeddings.index().size());
    if (embeddings.passRunning()) {
      health.withDetail(
          "pass", "embedding " + embeddings.passDone() + "/" + embeddings.passTotal() + " tracks");
    }
    if (embeddings.lastError() != null) {
      health.withDetail("lastError", embeddings.lastError());
    }
    return health.build();
  }
}
