package dev.cadenza.operator.testsupport;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;

/**
 * Stream pods as a kubelet and the scheduler leave them, for tests without either: a pod of a
 * MusicDelivery (its labels, its {@code stream} container) and the statuses the kubelet writes when
 * the image cannot be pulled, the container keeps exiting, or it runs and is ready, and the one the
 * scheduler writes when no node takes the pod. The messages are the kubelet's and the scheduler's
 * own (Kubernetes 1.34).
 */
public final class Kubelet {

  private Kubelet() {}

  /** A pod of the MusicDelivery {@code instance}, with the labels of the operator's template. */
  public static Pod pod(String namespace, String instance, String name, String image) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .withLabels(
            Map.of(
                "app.kubernetes.io/name", "cadenza-stream",
                "app.kubernetes.io/instance", instance,
                "app.kubernetes.io/managed-by", "cadenza-operator",
                "app.kubernetes.io/part-of", "cadenza"))
        .endMetadata()
        .withNewSpec()
        .withAutomountServiceAccountToken(false)
        .addNewContainer()
        .withName("stream")
        .withImage(image)
        .endContainer()
        .endSpec()
        .build();
  }

  /** The container waits, as after a failed pull ({@code ErrImagePull}, …). */
  public static PodStatus waiting(String reason, String message) {
    return status(
        false,
        null,
        new ContainerStatusBuilder()
            .withName("stream")
            .withReady(false)
            .withRestartCount(0)
            .withNewState()
            .withNewWaiting()
            .withReason(reason)
            .withMessage(message)
            .endWaiting()
            .endState()
            .build());
  }

  /** The container backs off after exiting {@code exitCode} with {@code message}. */
  public static PodStatus crashLooping(int restarts, int exitCode, String reason, String message) {
    return status(
        false,
        null,
        new ContainerStatusBuilder()
            .withName("stream")
            .withReady(false)
            .withRestartCount(restarts)
            .withNewState()
            .withNewWaiting()
            .withReason("CrashLoopBackOff")
            .withMessage("back-off 40s restarting failed container=stream pod=jazz-7d9c5b6f4-x2x9q")
            .endWaiting()
            .endState()
            .withNewLastState()
            .withNewTerminated()
            .withExitCode(exitCode)
            .withReason(reason)
            .withMessage(message)
            .withStartedAt("2026-01-01T00:00:00Z")
            .withFinishedAt("2026-01-01T00:00:05Z")
            .endTerminated()
            .endLastState()
            .build());
  }

  /** No node takes the pod: the scheduler's condition. */
  public static PodStatus unschedulable(String message) {
    return new PodStatusBuilder()
        .withPhase("Pending")
        .withConditions(
            new PodConditionBuilder()
                .withType("PodScheduled")
                .withStatus("False")
                .withReason("Unschedulable")
                .withMessage(message)
                .withLastTransitionTime("2026-01-01T00:00:00Z")
                .build())
        .build();
  }

  /** Running and ready at {@code ip}. */
  public static PodStatus ready(String ip) {
    return status(
        true,
        ip,
        new ContainerStatusBuilder()
            .withName("stream")
            .withReady(true)
            .withRestartCount(0)
            .withNewState()
            .withNewRunning()
            .withStartedAt("2026-01-01T00:00:00Z")
            .endRunning()
            .endState()
            .build());
  }

  /** Starting: scheduled, the container running, not ready yet. */
  public static PodStatus starting(String ip) {
    PodStatus status = ready(ip);
    status.getConditions().stream()
        .filter(c -> c.getType().equals("Ready"))
        .forEach(c -> c.setStatus("False"));
    status.getContainerStatuses().get(0).setReady(false);
    return status;
  }

  private static PodStatus status(boolean ready, String ip, ContainerStatus container) {
    List<PodCondition> conditions =
        List.of(
            condition("PodScheduled", true),
            condition("Initialized", true),
            condition("ContainersReady", ready),
            condition("Ready", ready));
    return new PodStatusBuilder()
        .withPhase(ready ? "Running" : "Pending")
        .withPodIP(ip)
        .withHostIP(ip == null ? null : "10.99.0.1")
        .withConditions(conditions)
        .withContainerStatuses(container)
        .build();
  }

  private static PodCondition condition(String type, boolean status) {
    return new PodConditionBuilder()
        .withType(type)
        .withStatus(status ? "True" : "False")
        .withLastTransitionTime("2026-01-01T00:00:00Z")
        .build();
  }

  /** Creates {@code pod} and writes {@code status} to it, as the kubelet would. */
  public static Pod run(KubernetesClient client, Pod pod, PodStatus status) {
    Pod created = client.resource(pod).create();
    created.setStatus(status);
    return client.resource(created).updateStatus();
  }

  /** {@link #pod} with {@code status}, without an API server. */
  public static Pod with(Pod pod, PodStatus status) {
    pod.setStatus(status);
    return pod;
  }
}
