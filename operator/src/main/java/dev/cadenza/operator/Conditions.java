package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;

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

  /** Sets a condition; true when its status or reason changed (a transition worth an Event). */
  boolean set(String type, boolean value, String reason, String message) {
    String s = value ? "True" : "False";
    Condition existing = status.condition(type);
    boolean changed =
        existing == null || !s.equals(existing.getStatus()) || !reason.equals(existing.getReason());
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
    return changed;
  }

  /** A message for a failure: the exception's own words, without a stack. */
  static String describe(Exception e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String m = root.getMessage();
    return root.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
