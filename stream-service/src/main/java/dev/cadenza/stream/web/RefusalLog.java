package dev.cadenza.stream.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/**
 * Whether a refusal of a client is worth a log line: the first in a minute per client is, the rest
 * are only counted (in a metric), so that a client hammering a cap cannot flood the log.
 */
final class RefusalLog {

  static final Duration QUIET = Duration.ofMinutes(1);

  /** Clients remembered at most: bounds memory under refusals from many addresses. */
  private static final int MAX_CLIENTS = 10_000;

  private final Cache<String, Boolean> logged =
      Caffeine.newBuilder().maximumSize(MAX_CLIENTS).expireAfterWrite(QUIET).build();

  /** True for the first refusal of {@code client} within {@link #QUIET}. */
  boolean first(String client) {
    return logged.asMap().putIfAbsent(client, Boolean.TRUE) == null;
  }
}
