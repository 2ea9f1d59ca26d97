package dev.cadenza.operator;

import static dev.cadenza.operator.testsupport.Jazz.BASE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.Jazz;
import dev.cadenza.operator.testsupport.Kubelet;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Why stream pods are not ready, from their status and the library's claim, without a server. */
class PodDiagnosisTest {

  static final String IMAGE = "localhost/cadenza/stream:nope";

  /** containerd's words for a registry that is not there, as the kubelet passes them on. */
  static final String PULL_ERROR =
      "failed to pull and unpack image \"localhost/cadenza/stream:nope\": failed to resolve"
          + " reference \"localhost/cadenza/stream:nope\": failed to do request: Head"
          + " \"https://localhost/v2/cadenza/stream/manifests/nope\": dial tcp 127.0.0.1:443:"
          + " connect: connection refused";

  static final String NO_MEMORY =
      "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1 No"
          + " preemption victims found for incoming pod.";

  static final String CONFIG_ERROR =
      "Failed to bind properties under 'cadenza.library' to"
          + " dev.cadenza.stream.config.CadenzaProperties$Library:\n\n    Reason:"
          + " java.lang.IllegalArgumentException: cadenza.library.path: '/music' is not a readable"
          + " directory\n\nAction: Update your application's configuration";

  static final PodDiagnosis.Claim BOUND = PodDiagnosis.Claim.of(claim("Bound"));

  static MusicDelivery jazz = Jazz.jazz(BASE);

  static PersistentVolumeClaim claim(String phase) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata()
        .withName("music")
        .withNamespace("music")
        .endMetadata()
        .withNewStatus()
        .withPhase(phase)
        .endStatus()
        .build();
  }

  static Pod pod(String name, PodStatus status) {
    return Kubelet.with(Kubelet.pod("music", "jazz", name, IMAGE), status);
  }

  static Optional<PodDiagnosis> diagnose(PodDiagnosis.Claim claim, Pod... pods) {
    return PodDiagnosis.of(jazz, List.of(pods), claim);
  }

  static String summary(Optional<PodDiagnosis> d) {
    return d.map(x -> x.reason() + ": " + x.message()).orElse("none");
  }

  @Test
  void aMissingClaimComesFirstAndSaysWhatToCreateOrChange() {
    assertThat(
            summary(
                diagnose(
                    PodDiagnosis.Claim.of(null),
                    pod(
                        "jazz-a",
                        Kubelet.unschedulable("persistentvolumeclaim \"music\" not found")))))
        .isEqualTo(
            "LibraryClaimMissing: PersistentVolumeClaim music not found in namespace music:"
                + " create it, or set spec.library.persistentVolumeClaim to the claim that holds"
                + " the music");
  }

  @Test
  void aClaimNotBoundOrLostSaysSo() {
    assertThat(summary(diagnose(PodDiagnosis.Claim.of(claim("Pending")))))
        .isEqualTo(
            "LibraryClaimPending: PersistentVolumeClaim music is not bound to a volume yet (phase"
                + " Pending), so no stream pod can start: see kubectl describe pvc music -n music"
                + " for why (no matching PersistentVolume, storage class, provisioner)");
    assertThat(summary(diagnose(PodDiagnosis.Claim.of(claim("Lost")))))
        .startsWith("LibraryClaimLost: PersistentVolumeClaim music has lost its PersistentVolume");
  }

  @Test
  void aClaimThatCouldNotBeReadIsNotBlamed() {
    assertThat(diagnose(PodDiagnosis.Claim.UNKNOWN, pod("jazz-a", Kubelet.starting("10.0.0.5"))))
        .isEmpty();
  }

  @Test
  void anImageThatCannotBePulledSaysTheSameThroughPullsAndBackOffs() {
    Optional<PodDiagnosis> pulling =
        diagnose(
            BOUND,
            pod("jazz-a", Kubelet.waiting("ErrImagePull", PULL_ERROR)),
            pod("jazz-b", Kubelet.ready("10.0.0.6")));
    Optional<PodDiagnosis> backingOff =
        diagnose(
            BOUND,
            pod(
                "jazz-a",
                Kubelet.waiting(
                    "ImagePullBackOff",
                    "Back-off pulling image \"" + IMAGE + "\": ErrImagePull: " + PULL_ERROR)),
            pod("jazz-b", Kubelet.ready("10.0.0.6")));

    assertThat(summary(pulling))
        .isEqualTo(
            "ImagePullFailed: image "
                + IMAGE
                + " cannot be pulled (1 of 2 stream pods): "
                + PULL_ERROR
                + "; set spec.image, or check the operator's stream image (CADENZA_STREAM_IMAGE,"
                + " Helm value streamImage), and that the nodes can reach its registry and may pull"
                + " from it");
    assertThat(backingOff).isEqualTo(pulling);
  }

  @Test
  void anImageTheSpecNamesPointsAtTheSpec() {
    MusicDelivery own = Jazz.jazz(BASE + "image: " + IMAGE + "\n");

    assertThat(
            PodDiagnosis.of(
                    own, List.of(pod("jazz-a", Kubelet.waiting("ImagePullBackOff", ""))), BOUND)
                .orElseThrow()
                .message())
        .isEqualTo(
            "image "
                + IMAGE
                + " cannot be pulled (1 of 1 stream pods); check spec.image, and that the nodes can"
                + " reach its registry and may pull from it");
  }

  @Test
  void aContainerThatKeepsExitingQuotesItsTerminationMessageOnOneBoundedLine() {
    Optional<PodDiagnosis> d =
        diagnose(
            BOUND,
            pod("jazz-b", Kubelet.crashLooping(4, 1, "Error", CONFIG_ERROR)),
            pod("jazz-a", Kubelet.crashLooping(5, 1, "Error", CONFIG_ERROR)));

    assertThat(summary(d))
        .isEqualTo(
            "CrashLooping: container stream keeps exiting (2 of 2 stream pods, restarted 5"
                + " times); last exit code 1: Failed to bind properties under 'cadenza.library' to"
                + " dev.cadenza.stream.config.CadenzaProperties$Library: Reason:"
                + " java.lang.IllegalArgumentException: cadenza.library.path: '/music' is not a"
                + " readable directory Action: Update your application's configuration");

    String log = "2026-01-01T00:00:00Z ERROR ".repeat(100);
    assertThat(
            diagnose(BOUND, pod("jazz-a", Kubelet.crashLooping(1, 1, "Error", log)))
                .orElseThrow()
                .message())
        .hasSizeLessThan(PodDiagnosis.MAX_DETAIL + 120)
        .endsWith("…");
  }

  @Test
  void aContainerOutOfMemorySaysWhatToRaise() {
    assertThat(
            diagnose(BOUND, pod("jazz-a", Kubelet.crashLooping(2, 137, "OOMKilled", null)))
                .orElseThrow()
                .message())
        .isEqualTo(
            "container stream keeps exiting (1 of 1 stream pods, restarted 2 times); last exit"
                + " code 137 (OOMKilled); it ran out of memory: raise"
                + " spec.resources.limits.memory");
  }

  @Test
  void betweenTwoBackOffsAContainerStartedAgainStillCrashLoops() {
    PodStatus restarted = Kubelet.starting("10.0.0.5");
    restarted.getContainerStatuses().get(0).setRestartCount(3);
    restarted
        .getContainerStatuses()
        .get(0)
        .setLastState(
            Kubelet.crashLooping(3, 1, "Error", "bad")
                .getContainerStatuses()
                .get(0)
                .getLastState());

    assertThat(diagnose(BOUND, pod("jazz-a", restarted)).orElseThrow().reason())
        .isEqualTo("CrashLooping");
  }

  @Test
  void aContainerThatCannotBeCreatedQuotesTheKubelet() {
    assertThat(
            summary(
                diagnose(
                    BOUND,
                    pod(
                        "jazz-a",
                        Kubelet.waiting(
                            "CreateContainerConfigError", "secret \"cadenza-aws\" not found")))))
        .isEqualTo(
            "ContainerCannotStart: container stream cannot be started (1 of 1 stream pods,"
                + " CreateContainerConfigError): secret \"cadenza-aws\" not found");
  }

  @Test
  void podsNoNodeTakesQuoteTheScheduler() {
    assertThat(
            summary(
                diagnose(
                    BOUND,
                    pod("jazz-a", Kubelet.unschedulable(NO_MEMORY)),
                    pod("jazz-b", Kubelet.unschedulable(NO_MEMORY)))))
        .isEqualTo("Unschedulable: 2 of 2 stream pods cannot be scheduled: " + NO_MEMORY);
  }

  @Test
  void theMostActionableFindingWins() {
    Pod image = pod("jazz-c", Kubelet.waiting("ErrImagePull", PULL_ERROR));
    Pod crash = pod("jazz-b", Kubelet.crashLooping(1, 1, "Error", "bad"));
    Pod unscheduled = pod("jazz-a", Kubelet.unschedulable(NO_MEMORY));

    assertThat(diagnose(BOUND, unscheduled, crash, image).orElseThrow().reason())
        .isEqualTo("ImagePullFailed");
    assertThat(diagnose(BOUND, unscheduled, crash).orElseThrow().reason())
        .isEqualTo("CrashLooping");
    assertThat(diagnose(BOUND, unscheduled).orElseThrow().reason()).isEqualTo("Unschedulable");
  }

  @Test
  void podsThatAreStartingReadyOrGoingAwayExplainNothing() {
    Pod leaving = pod("jazz-c", Kubelet.crashLooping(1, 1, "Error", "bad"));
    leaving.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");

    assertThat(
            diagnose(
                BOUND,
                pod("jazz-a", Kubelet.starting("10.0.0.5")),
                pod("jazz-b", Kubelet.ready("10.0.0.6")),
                leaving,
                pod("jazz-d", Kubelet.waiting("ContainerCreating", null))))
        .isEmpty();
  }
}
