package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.dependent.StreamDeployment;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Why a MusicDelivery's stream pods are not ready, in words a user acts on, read from what the
 * kubelet and the scheduler write in the pods' status and from the library's PersistentVolumeClaim.
 * The most actionable finding wins: the claim (nothing starts without it), then the image, a
 * container that cannot be created, a container that keeps exiting, pods no node takes. Messages
 * name no pod and carry no time, and the kubelet's own words are cut to {@link #MAX_DETAIL}
 * characters, so that a status that says the same thing stays the same.
 *
 * @param reason the condition reason ({@code ImagePullFailed}, {@code CrashLooping}, …)
 * @param message what is wrong and what to change
 */
record PodDiagnosis(String reason, String message) {

  private static final String CONTAINER = StreamDeployment.CONTAINER;

  /** The most of a kubelet or scheduler message, or of a termination message, quoted. */
  static final int MAX_DETAIL = 400;

  private static final Set<String> IMAGE_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "ImageInspectError",
          "RegistryUnavailable",
          "SignatureValidationFailed");

  private static final Set<String> START_REASONS =
      Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");

  /**
   * The kubelet's message while it backs off from pulling: {@code Back-off pulling image "x":
   * ErrImagePull: <the pull's error>}, the same error as the pull's own message in between; both
   * give the error alone, so the message does not flip with every attempt.
   */
  private static final Pattern BACK_OFF =
      Pattern.compile(
          "^Back-off pulling image \"[^\"]*\"(: (" + String.join("|", IMAGE_REASONS) + "): )?");

  /**
   * The library's claim as the operator found it.
   *
   * @param found the claim; null when it does not exist or could not be read
   * @param known whether it was read (false: the read failed, nothing is said about the claim)
   */
  record Claim(PersistentVolumeClaim found, boolean known) {

    static final Claim UNKNOWN = new Claim(null, false);

    /** What a read found: the claim, or null for none. */
    static Claim of(PersistentVolumeClaim found) {
      return new Claim(found, true);
    }
  }

  /**
   * What keeps {@code md}'s stream pods from being ready, if the pods and the claim show it: empty
   * when they are merely starting (being scheduled, pulling, starting up) or say nothing the user
   * can act on.
   */
  static Optional<PodDiagnosis> of(MusicDelivery md, Collection<Pod> pods, Claim claim) {
    Optional<PodDiagnosis> library = library(md, claim);
    if (library.isPresent()) {
      return library;
    }
    List<Pod> current =
        pods.stream()
            .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
            .sorted(Comparator.comparing(p -> p.getMetadata().getName()))
            .toList();
    int all = current.size();
    List<Pod> unready = current.stream().filter(p -> !ready(p)).toList();
    return firstPresent(
        () -> imagePull(md, unready, all),
        () -> cannotStart(unready, all),
        () -> crashLooping(unready, all),
        () -> unschedulable(unready, all));
  }

  private static Optional<PodDiagnosis> library(MusicDelivery md, Claim claim) {
    if (!claim.known()) {
      return Optional.empty();
    }
    String name = md.getSpec().library.persistentVolumeClaim;
    String namespace = md.getMetadata().getNamespace();
    if (claim.found() == null) {
      return Optional.of(
          new PodDiagnosis(
              "LibraryClaimMissing",
              "PersistentVolumeClaim "
                  + name
                  + " not found in namespace "
                  + namespace
                  + ": create it, or set spec.library.persistentVolumeClaim to the claim that"
                  + " holds the music"));
    }
    String phase = claim.found().getStatus() == null ? null : claim.found().getStatus().getPhase();
    if ("Lost".equals(phase)) {
      return Optional.of(
          new PodDiagnosis(
              "LibraryClaimLost",
              "PersistentVolumeClaim "
                  + name
                  + " has lost its PersistentVolume: restore the volume, or point"
                  + " spec.library.persistentVolumeClaim at a claim that is bound"));
    }
    if (!"Bound".equals(phase)) {
      return Optional.of(
          new PodDiagnosis(
              "LibraryClaimPending",
              "PersistentVolumeClaim "
                  + name
                  + " is not bound to a volume yet (phase "
                  + Objects.requireNonNullElse(phase, "unknown")
                  + "), so no stream pod can start: see kubectl describe pvc "
                  + name
                  + " -n "
                  + namespace
                  + " for why (no matching PersistentVolume, storage class, provisioner)"));
    }
    return Optional.empty();
  }

  private static Optional<PodDiagnosis> imagePull(MusicDelivery md, List<Pod> pods, int all) {
    List<Pod> failing = withWaiting(pods, IMAGE_REASONS::contains);
    if (failing.isEmpty()) {
      return Optional.empty();
    }
    Pod first = failing.get(0);
    String said = Objects.requireNonNullElse(waiting(first).getMessage(), "");
    String detail = bounded(BACK_OFF.matcher(said).replaceFirst(""));
    String image = container(first).map(Container::getImage).orElse("of the stream container");
    String where =
        md.getSpec().image != null
            ? "check spec.image"
            : "set spec.image, or check the operator's stream image (CADENZA_STREAM_IMAGE, Helm"
                + " value streamImage)";
    return Optional.of(
        new PodDiagnosis(
            "ImagePullFailed",
            "image "
                + image
                + " cannot be pulled ("
                + count(failing, all)
                + ")"
                + (detail.isEmpty() ? "" : ": " + detail)
                + "; "
                + where
                + ", and that the nodes can reach its registry and may pull from it"));
  }

  private static Optional<PodDiagnosis> cannotStart(List<Pod> pods, int all) {
    List<Pod> failing = withWaiting(pods, START_REASONS::contains);
    if (failing.isEmpty()) {
      return Optional.empty();
    }
    ContainerStateWaiting waiting = waiting(failing.get(0));
    String detail = bounded(waiting.getMessage());
    return Optional.of(
        new PodDiagnosis(
            "ContainerCannotStart",
            "container "
                + CONTAINER
                + " cannot be started ("
                + count(failing, all)
                + ", "
                + waiting.getReason()
                + ")"
                + (detail.isEmpty() ? "" : ": " + detail)));
  }

  /**
   * A container in CrashLoopBackOff, or started again after it failed and not ready: between two
   * back-offs the kubelet shows it running, and the reason must not flip with it.
   */
  private static Optional<PodDiagnosis> crashLooping(List<Pod> pods, int all) {
    List<Pod> failing =
        pods.stream()
            .filter(
                p ->
                    status(p)
                        .filter(
                            s ->
                                (s.getState() != null
                                        && s.getState().getWaiting() != null
                                        && "CrashLoopBackOff"
                                            .equals(s.getState().getWaiting().getReason()))
                                    || (Objects.requireNonNullElse(s.getRestartCount(), 0) > 0
                                        && lastFailure(s) != null))
                        .isPresent())
            .toList();
    if (failing.isEmpty()) {
      return Optional.empty();
    }
    ContainerStatus status = status(failing.get(0)).orElseThrow();
    ContainerStateTerminated last = lastFailure(status);
    StringBuilder message =
        new StringBuilder("container ")
            .append(CONTAINER)
            .append(" keeps exiting (")
            .append(count(failing, all))
            .append(", restarted ")
            .append(Objects.requireNonNullElse(status.getRestartCount(), 0))
            .append(" times)");
    if (last != null) {
      message.append("; last exit code ").append(last.getExitCode());
      if (last.getReason() != null && !last.getReason().equals("Error")) {
        message.append(" (").append(last.getReason()).append(")");
      }
      String said = bounded(last.getMessage());
      if (!said.isEmpty()) {
        message.append(": ").append(said);
      }
      if ("OOMKilled".equals(last.getReason())) {
        message.append("; it ran out of memory: raise spec.resources.limits.memory");
      }
    }
    return Optional.of(new PodDiagnosis("CrashLooping", message.toString()));
  }

  private static Optional<PodDiagnosis> unschedulable(List<Pod> pods, int all) {
    List<PodCondition> refused =
        pods.stream().map(PodDiagnosis::unscheduled).flatMap(Optional::stream).toList();
    if (refused.isEmpty()) {
      return Optional.empty();
    }
    String detail = bounded(refused.get(0).getMessage());
    return Optional.of(
        new PodDiagnosis(
            "Unschedulable",
            count(refused, all)
                + " cannot be scheduled"
                + (detail.isEmpty() ? "" : ": " + detail)));
  }

  private static Optional<PodCondition> unscheduled(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return pod.getStatus().getConditions().stream()
        .filter(
            c ->
                "PodScheduled".equals(c.getType())
                    && "False".equals(c.getStatus())
                    && "Unschedulable".equals(c.getReason()))
        .findFirst();
  }

  /** The last run, when it ended with an error (not a clean exit). */
  private static ContainerStateTerminated lastFailure(ContainerStatus status) {
    if (status.getLastState() == null || status.getLastState().getTerminated() == null) {
      return null;
    }
    ContainerStateTerminated last = status.getLastState().getTerminated();
    return Objects.requireNonNullElse(last.getExitCode(), 0) != 0 ? last : null;
  }

  private static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<Pod> withWaiting(List<Pod> pods, Predicate<String> reason) {
    return pods.stream()
        .filter(p -> waitingOrNull(p) != null && reason.test(waitingOrNull(p).getReason()))
        .toList();
  }

  private static ContainerStateWaiting waiting(Pod pod) {
    return Objects.requireNonNull(waitingOrNull(pod));
  }

  private static ContainerStateWaiting waitingOrNull(Pod pod) {
    return status(pod)
        .map(s -> s.getState() == null ? null : s.getState().getWaiting())
        .orElse(null);
  }

  /** The stream container's status; the first container's when none is named so. */
  private static Optional<ContainerStatus> status(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return Optional.empty();
    }
    List<ContainerStatus> statuses = pod.getStatus().getContainerStatuses();
    return statuses.stream()
        .filter(s -> CONTAINER.equals(s.getName()))
        .findFirst()
        .or(() -> statuses.stream().findFirst());
  }

  private static Optional<Container> container(Pod pod) {
    if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
      return Optional.empty();
    }
    return pod.getSpec().getContainers().stream()
        .filter(c -> CONTAINER.equals(c.getName()))
        .findFirst();
  }

  private static String count(Collection<?> some, int all) {
    return some.size() + " of " + all + " stream pods";
  }

  /** On one line, whitespace collapsed, at most {@link #MAX_DETAIL} characters. */
  static String bounded(String text) {
    if (text == null) {
      return "";
    }
    String line = text.strip().replaceAll("\\s+", " ");
    return line.length() <= MAX_DETAIL ? line : line.substring(0, MAX_DETAIL - 1) + "…";
  }

  @SafeVarargs
  private static <T> Optional<T> firstPresent(Supplier<Optional<T>>... candidates) {
    for (var candidate : candidates) {
      Optional<T> found = candidate.get();
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }
}
