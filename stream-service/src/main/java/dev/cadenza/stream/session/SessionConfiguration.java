package dev.cadenza.stream.session;

import dev.cadenza.stream.clock.MediaClock;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.Library;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Group sessions: in the DynamoDB sessions table when {@code cadenza.dynamodb.table-prefix} is set
 * (shared by all pods), else in this process.
 */
@Configuration(proxyBeanMethods = false)
class SessionConfiguration {

  private static final Logger log = LoggerFactory.getLogger(SessionConfiguration.class);

  @Bean(destroyMethod = "close")
  SessionStore sessionStore(
      ObjectProvider<SharedTables> tables,
      JsonMapper json,
      SessionSettings settings,
      MediaClock clock,
      SessionEvents events,
      MeterRegistry meters) {
    SharedTables shared = tables.getIfAvailable();
    if (shared != null) {
      log.info(
          "Sessions in DynamoDB table {}, polled every {} for SSE subscribers",
          shared.sessions(),
          settings.pollInterval());
      return new DynamoDbSessionStore(shared, json, settings, meters);
    }
    InMemorySessionStore memory =
        new InMemorySessionStore(
            settings.maxSessions(),
            clock::nowMicros,
            expired -> {
              events.ended(expired.id(), expired.view());
              log.info(
                  "Session {} expired at version {}",
                  SessionIds.tag(expired.id()),
                  expired.version());
            });
    Gauge.builder("cadenza.sessions.active", memory, InMemorySessionStore::size)
        .description("Sessions held by the in-memory store (expired ones until dropped)")
        .register(meters);
    log.info("Sessions in memory (at most {}); they end with this process", settings.maxSessions());
    return memory;
  }

  /** The {@code sessions} health component: where sessions live, and the store's breaker. */
  @Bean
  HealthIndicator sessionsHealthIndicator(SessionStore store) {
    return () -> {
      Health.Builder health = Health.up();
      store.health(health);
      return health.build();
    };
  }

  @Bean
  SessionEvents sessionEvents(MeterRegistry meters) {
    SessionEvents events = new SessionEvents();
    Gauge.builder("cadenza.sessions.subscribers", events, SessionEvents::subscribers)
        .description("Open SSE streams of sessions on this pod")
        .register(meters);
    return events;
  }

  @Bean
  Sessions sessions(
      SessionStore store,
      SessionEvents events,
      Library library,
      MediaClock clock,
      SessionSettings settings,
      MeterRegistry meters) {
    return new Sessions(store, events, library, clock, settings, meters);
  }

  @Bean
  SessionBodies sessionBodies(JsonMapper json) {
    return new SessionBodies(json);
  }

  @Bean
  SessionWatch sessionWatch(
      SessionStore store, SessionEvents events, MediaClock clock, SessionSettings settings) {
    return new SessionWatch(store, events, clock, settings);
  }
}
