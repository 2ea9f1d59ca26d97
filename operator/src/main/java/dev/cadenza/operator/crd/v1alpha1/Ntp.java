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

  @Size(max = 8)
  @JsonPropertyDescription("NTP servers (host or host:port); empty: the system clock alone.")
  public List<String> servers;

  @Default("64s")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("How often each server is polled.")
  public String pollInterval;

  @Default("50ms")
  @Pattern(Durations.PATTERN)
  @JsonPropertyDescription("Largest offset from the servers before the clock is reported degraded.")
  public String maxOffset;

  @Default("false")
  @JsonPropertyDescription(
      "When true, a pod is not ready while no server answers or its offset exceeds maxOffset.")
  public Boolean required;
}
