package dev.cadenza.stream.store;

import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * An {@link ItemStore} this service runs on (not a test double): it reports its health, the {@code
 * store} health indicator, and is closed on shutdown.
 */
interface StoreBackend extends ItemStore, HealthIndicator, AutoCloseable {

  /** Releases the store: the embedded file is flushed and unlocked; idempotent. */
  @Override
  void close();
}
