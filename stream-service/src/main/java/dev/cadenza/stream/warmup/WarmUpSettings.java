package dev.cadenza.stream.warmup;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The stream path's warm-up before readiness ({@code cadenza.warm-up.*}; environment variable
 * {@code CADENZA_WARM_UP_MAX_DURATION}). docs/startup.md#warm-up says what it does and costs.
 *
 * @param maxDuration how long loopback requests warm the stream path at most, once the library is
 *     served, while readiness waits; they end sooner once the JIT compiler has settled. Zero turns
 *     the warm-up off. At most {@link #MAX}: no probe restarts a pod that is not ready, but one out
 *     of service that long is no longer warming up
 */
@Validated
@ConfigurationProperties("cadenza.warm-up")
public record WarmUpSettings(@NotNull @DefaultValue("20s") Duration maxDuration) {

  static final Duration MAX = Duration.ofSeconds(60);

  public WarmUpSettings {
    if (maxDuration != null && (maxDuration.isNegative() || maxDuration.compareTo(MAX) > 0)) {
      throw new IllegalArgumentException(
          "cadenza.warm-up.max-duration: must be from 0 (off) to "
              + MAX.toSeconds()
              + "s, got "
              + maxDuration);
    }
  }

  boolean enabled() {
    return !maxDuration.isZero();
  }
}
