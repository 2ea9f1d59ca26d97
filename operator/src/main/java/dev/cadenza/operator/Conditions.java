package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.AggregatedOperatorException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Status conditions following the Kubernetes API conventions: one per type, the transition time
 * moves only when the status does.
 */
final class Conditions {

  private final MusicDeliveryStatus status;
  private final long generation;
  private final String now;

  /**
   * @param status the status whose conditions this sets
   * @param generation the spec's generation the conditions describe
   * @param now the transition time of a condition whose status changes
   */
  Conditions(MusicDeliveryStatus status, long generation, Instant now) {
    this.status = status;
    this.generation = generation;
    this.now = now.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** Sets a condition; its transition time moves only when its status does. */
  void set(String type, boolean value, String reason, String message) {
    String s = value ? "True" : "False";
    Condition existing = status.condition(type);
    String since =
        existing != null && s.equals(existing.getStatus()) ? existing.getLastTransitionTime() : now;
    Condition c =
        new ConditionBuilder()
            .withType(type)
            .withStatus(s)
            .withReason(reason)
            .withMessage(message)
            .withObservedGeneration(generation)
            .withLastTransitionTime(since)
            .build();
    status.conditions.removeIf(x -> x.getType().equals(type));
    status.conditions.add(c);
    status.conditions.sort(Comparator.comparing(Condition::getType));
  }

  /** The longest failure message a condition (and the log line) carries. */
  static final int MAX_FAILURE = 1000;

  /**
   * A message for a failure, without a stack: for a failed workflow, each dependent resource's
   * failure by name; for a refusal of the API server, its own words (what it refused and why); else
   * the innermost cause's. At most {@link #MAX_FAILURE} characters.
   */
  static String describe(Throwable e) {
    String text;
    if (e instanceof AggregatedOperatorException workflow
        && !workflow.getAggregatedExceptions().isEmpty()) {
      text =
          new TreeMap<>(workflow.getAggregatedExceptions())
              .entrySet().stream()
                  .map(failed -> failed.getKey() + ": " + describe(failed.getValue()))
                  .collect(Collectors.joining("; "));
    } else {
      text = cause(e);
    }
    return text.length() <= MAX_FAILURE ? text : text.substring(0, MAX_FAILURE - 1) + "…";
  }

  private static String cause(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    if (root instanceof KubernetesClientException refused
        && refused.getStatus() != null
        && refused.getStatus().getMessage() != null) {
      return "the API server answered "
          + refused.getCode()
          + ": "
          + refused.getStatus().getMessage();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
