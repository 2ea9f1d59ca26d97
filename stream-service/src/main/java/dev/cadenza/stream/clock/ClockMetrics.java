package dev.cadenza.stream.clock;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;

/** The {@code cadenza.clock.*} gauges, read from {@link ClockSync#status()} at scrape time. */
final class ClockMetrics {

  private ClockMetrics() {}

  static void register(MeterRegistry meters, ClockSync sync) {
    Gauge.builder("cadenza.clock.offset", sync, s -> seconds(s.status().offset()))
        .description("NTP time minus the media clock: what the slew has yet to correct")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("cadenza.clock.measured.offset", sync, s -> seconds(s.status().measuredOffset()))
        .description("NTP time minus the system clock, as the last successful poll measured it")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("cadenza.clock.root.distance", sync, s -> seconds(s.status().rootDistance()))
        .description("Bound on the media clock's error against the NTP sources (root distance)")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("cadenza.clock.jitter", sync, s -> seconds(s.status().jitter()))
        .description("Spread of the selected servers around the combined offset")
        .baseUnit("seconds")
        .register(meters);
    Gauge.builder("cadenza.clock.synchronised", sync, s -> s.status().synchronised() ? 1 : 0)
        .description("1 while the media clock follows the NTP servers")
        .register(meters);
    Gauge.builder("cadenza.clock.servers.reachable", sync, s -> s.status().reachable())
        .description("Configured NTP servers that answered the last poll")
        .register(meters);
    Gauge.builder("cadenza.clock.servers.configured", sync, s -> s.status().servers().size())
        .description("Configured NTP servers")
        .register(meters);
    Gauge.builder("cadenza.clock.last.sync.age", sync, ClockMetrics::lastSyncAge)
        .description("Time since the media clock last followed the NTP servers (NaN: never)")
        .baseUnit("seconds")
        .register(meters);
  }

  private static double lastSyncAge(ClockSync sync) {
    Duration age = sync.status().lastSyncAge(Instant.now());
    return age == null ? Double.NaN : age.toNanos() / 1e9;
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }
}
