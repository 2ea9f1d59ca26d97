package dev.cadenza.stream.clock;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * The {@code mediaClock} health: where the media clock stands against its NTP servers. With {@code
 * cadenza.clock.ntp.required} it is DOWN while the clock is not synchronised or is off by more than
 * {@code max-offset} (so the pod leaves the Service until it is right); otherwise it only reports
 * and stays UP.
 */
@Component
public class MediaClockHealthIndicator implements HealthIndicator {

  private final ClockSync sync;
  private final ClockProperties settings;
  private final ObjectProvider<SntpResponder> sntp;

  public MediaClockHealthIndicator(
      ClockSync sync, ClockProperties settings, ObjectProvider<SntpResponder> sntp) {
    this.sync = sync;
    this.settings = settings;
    this.sntp = sntp;
  }

  @Override
  public Health health() {
    ClockStatus s = sync.status();
    boolean within = Math.abs(s.offset()) <= settings.ntp().maxOffset().toNanos();
    boolean up = !settings.ntp().required() || (s.configured() && s.synchronised() && within);
    Health.Builder health = up ? Health.up() : Health.down();
    health.withDetail("source", s.configured() ? "ntp" : "system clock");
    health.withDetail("synchronised", s.synchronised());
    health.withDetail("required", settings.ntp().required());
    if (s.configured()) {
      health.withDetail("offsetMs", ms(s.offset()));
      health.withDetail("measuredOffsetMs", ms(s.measuredOffset()));
      health.withDetail("rootDistanceMs", ms(s.rootDistance()));
      health.withDetail("jitterMs", ms(s.jitter()));
      health.withDetail("maxOffsetMs", ms(settings.ntp().maxOffset().toNanos()));
      health.withDetail("stratum", s.stratum());
      health.withDetail("lastSync", s.lastSync() == null ? "never" : s.lastSync().toString());
      health.withDetail("reachableServers", s.reachable());
      health.withDetail("configuredServers", s.servers().size());
      health.withDetail("servers", servers(s.servers()));
    }
    SntpResponder responder = sntp.getIfAvailable();
    if (responder != null && responder.port() > 0) {
      health.withDetail("sntpPort", responder.port());
    }
    return health.build();
  }

  private static List<Map<String, Object>> servers(List<ClockStatus.ServerStatus> servers) {
    return servers.stream()
        .map(
            s -> {
              Map<String, Object> m = new LinkedHashMap<>();
              m.put("server", s.server());
              m.put("state", s.state());
              if (s.state().equals("selected") || s.state().equals("falseticker")) {
                m.put("offsetMs", ms(s.offset()));
                m.put("delayMs", ms(s.delay()));
                m.put("jitterMs", ms(s.jitter()));
                m.put("rootDistanceMs", ms(s.rootDistance()));
                m.put("stratum", s.stratum());
              }
              m.put("samples", s.outcomes());
              return m;
            })
        .toList();
  }

  /** Milliseconds with microsecond resolution. */
  static double ms(long nanos) {
    return Math.round(nanos / 1e3) / 1e3;
  }
}
