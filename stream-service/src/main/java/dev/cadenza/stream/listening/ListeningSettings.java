package dev.cadenza.stream.listening;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Listeners' music data ({@code cadenza.listening.*}); docs/listening.md describes each.
 *
 * @param scrobbleRetention how long a submitted play stays in the listener's history (the items
 *     expire after it); play counts are kept for good
 */
@Validated
@ConfigurationProperties("cadenza.listening")
public record ListeningSettings(@NotNull @DefaultValue("365d") Duration scrobbleRetention) {

  public ListeningSettings {
    if (scrobbleRetention != null
        && (scrobbleRetention.isNegative() || scrobbleRetention.toHours() < 1)) {
      throw new IllegalArgumentException(
          "cadenza.listening.scrobble-retention: must be at least 1h, got " + scrobbleRetention);
    }
  }
}
