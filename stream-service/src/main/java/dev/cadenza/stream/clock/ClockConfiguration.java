package dev.cadenza.stream.clock;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The media clock and what keeps it on the NTP servers. */
@Configuration(proxyBeanMethods = false)
public class ClockConfiguration {

  /**
   * Without servers the media clock is the system clock (its correction stays 0); with servers it
   * runs on the monotonic raw clock, so a step of the host's clock cannot jump it.
   */
  @Bean
  DisciplinedClock mediaClock(ClockProperties settings) {
    RawClock raw = settings.ntp().servers().isEmpty() ? RawClock.system() : RawClock.monotonic();
    return new DisciplinedClock(raw, settings.maxSlewPpm(), settings.stepThreshold().toNanos());
  }

  @Bean
  ClockSync clockSync(ClockProperties settings, DisciplinedClock mediaClock, MeterRegistry meters) {
    return new ClockSync(settings, mediaClock, meters);
  }
}
