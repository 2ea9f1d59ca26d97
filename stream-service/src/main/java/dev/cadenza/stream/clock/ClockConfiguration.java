package dev.cadenza.stream.clock;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The media clock bean. */
@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

  /** Placeholder until the NTP-disciplined clock lands: the system clock, never backwards. */
  @Bean
  MediaClock mediaClock() {
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong();
    return () -> {
      java.time.Instant now = java.time.Instant.now();
      long micros = now.getEpochSecond() * 1_000_000 + now.getNano() / 1_000;
      return last.accumulateAndGet(micros, Math::max);
    };
  }
}
