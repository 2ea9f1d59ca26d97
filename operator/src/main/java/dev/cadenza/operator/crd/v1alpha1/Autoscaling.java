package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.ValidationRule;

/** Horizontal pod autoscaling of the stream pods. */
@ValidationRule(
    value = "self.minReplicas <= self.maxReplicas",
    message = "autoscaling.minReplicas must not exceed autoscaling.maxReplicas")
public class Autoscaling {

  @Required
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Fewest stream pods.")
  public Integer minReplicas;

  @Required
  @Min(1)
  @Max(1000)
  @JsonPropertyDescription("Most stream pods.")
  public Integer maxReplicas;

  @Min(1)
  @Max(100)
  @Default("70")
  @JsonPropertyDescription("Average CPU utilisation (percent of requests) to scale at. Default 70.")
  public Integer targetCPUUtilization;
}
