package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

/** NTP servers the media clock follows. */
@ValidationRule(
    value =
        "!has(self.required) || !self.required || (has(self.servers) && size(self.servers) > 0)",
    message = "ntp.required needs at least one server in ntp.servers")
public class Ntp {

  public static final String SERVER_MESSAGE =
      "is not host, host:port, [v6] or [v6]:port with a port from 1 to 65535 (e.g."
          + " time.example.com or 10.0.0.1:123)";

  public static final String POLL_INTERVAL_MESSAGE = "must be more than 0, e.g. 64s";

  public static final String MAX_OFFSET_MESSAGE = "must be more than 0, e.g. 50ms";

  @Size(max = 8)
  @ValidationRule(
      value = "self.all(s, s.matches(r'" + Formats.NTP_SERVER + "'))",
      messageExpression =
          "'ntp.servers: ' + self.filter(s, !s.matches(r'"
              + Formats.NTP_SERVER
              + "'))[0] + ' "
              + SERVER_MESSAGE
              + "'")
  @JsonPropertyDescription(
      "NTP servers: host, host:port, [v6] or [v6]:port (port 1-65535); empty: the system clock"
          + " alone.")
  public List<@Size(max = 261) String> servers;

  @Default("64s")
  @Pattern(Formats.DURATION)
  @ValidationRule(
      value = "!self.matches('" + Formats.DURATION + "') || duration(self) > duration('0s')",
      message = POLL_INTERVAL_MESSAGE)
  @JsonPropertyDescription("How often each server is polled; more than 0.")
  public String pollInterval;

  @Default("50ms")
  @Pattern(Formats.DURATION)
  @ValidationRule(
      value = "!self.matches('" + Formats.DURATION + "') || duration(self) > duration('0s')",
      message = MAX_OFFSET_MESSAGE)
  @JsonPropertyDescription(
      "Largest offset from the servers before the clock is reported degraded; more than 0.")
  public String maxOffset;

  @Default("false")
  @JsonPropertyDescription(
      "When true, a pod is not ready while no server answers or its offset exceeds maxOffset.")
  public Boolean required;
}
