package dev.cadenza.stream.clock;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.stereotype.Component;

/**
 * The {@code clock} info (in {@code /actuator/info}): where the media clock stands, in a few
 * figures the operator reads of every ready pod for the MusicDelivery's {@code status.clock}. The
 * {@code mediaClock} health has the detail (servers, samples), hidden by default; this names no
 * server, since the Ingress exposes the pod.
 */
@Component
public class ClockInfoContributor implements InfoContributor {

  private final ClockSync sync;

  public ClockInfoContributor(ClockSync sync) {
    this.sync = sync;
  }

  @Override
  public void contribute(Info.Builder info) {
    ClockStatus s = sync.status();
    Map<String, Object> clock = new LinkedHashMap<>();
    clock.put("source", s.configured() ? "ntp" : "system clock");
    clock.put("synchronised", s.synchronised());
    if (s.configured()) {
      clock.put("offsetMs", MediaClockHealthIndicator.ms(s.offset()));
      clock.put("rootDistanceMs", MediaClockHealthIndicator.ms(s.rootDistance()));
      clock.put("stratum", s.stratum());
    }
    info.withDetail("clock", clock);
  }
}
