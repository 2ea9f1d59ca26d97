package dev.cadenza.operator.crd.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import java.util.Map;

/**
 * CPU, memory and ephemeral storage of each stream pod's container: Kubernetes' {@code
 * ResourceRequirements} without {@code claims} (the pods have no resource claims to refer to),
 * limited to the resources a stream container has a use for, so that the API server can check each
 * quantity.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@ValidationRule(
    value =
        "!has(self.requests) || !has(self.limits) || self.requests.all(k, !(k in self.limits)"
            + " || !isQuantity(string(self.requests[k])) || !isQuantity(string(self.limits[k]))"
            + " || quantity(string(self.requests[k])).compareTo("
            + "quantity(string(self.limits[k]))) <= 0)",
    message = Resources.REQUESTS_MESSAGE)
public class Resources {

  public static final String REQUESTS_MESSAGE =
      "resources.requests must not exceed resources.limits";

  /** The resources a stream container may ask for; it has no use for any other. */
  public static final List<String> NAMES = List.of("cpu", "memory", "ephemeral-storage");

  private static final String NAMES_CEL = "['cpu', 'memory', 'ephemeral-storage']";

  /** CEL: each value of the map is a quantity of at least 0. */
  private static final String QUANTITIES =
      "self.all(k, isQuantity(string(self[k])) && !quantity(string(self[k])).isLessThan(quantity('0')))";

  /** CEL: the first key whose value is not such a quantity. */
  private static final String FIRST_NOT_QUANTITY =
      "self.filter(k, !(isQuantity(string(self[k]))"
          + " && !quantity(string(self[k])).isLessThan(quantity('0'))))[0]";

  @Size(max = 3)
  @ValidationRule(
      value = "self.all(k, k in " + NAMES_CEL + ")",
      message = "resources.requests may name only cpu, memory and ephemeral-storage")
  @ValidationRule(
      value = QUANTITIES,
      messageExpression =
          "'resources.requests.' + "
              + FIRST_NOT_QUANTITY
              + " + ' must be a quantity of at least 0, e.g. 250m, 1Gi or 2'")
  @JsonPropertyDescription("Minimum: cpu, memory, ephemeral-storage.")
  public Map<String, Quantity> requests;

  @Size(max = 3)
  @ValidationRule(
      value = "self.all(k, k in " + NAMES_CEL + ")",
      message = "resources.limits may name only cpu, memory and ephemeral-storage")
  @ValidationRule(
      value = QUANTITIES,
      messageExpression =
          "'resources.limits.' + "
              + FIRST_NOT_QUANTITY
              + " + ' must be a quantity of at least 0, e.g. 250m, 1Gi or 2'")
  @JsonPropertyDescription("Maximum: cpu, memory, ephemeral-storage.")
  public Map<String, Quantity> limits;
}
