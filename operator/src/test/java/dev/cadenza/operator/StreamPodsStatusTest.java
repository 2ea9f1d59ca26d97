package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.crd.v1alpha1.MusicDeliveryStatus;
import dev.cadenza.operator.testsupport.DeploymentController;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.Kubelet;
import dev.cadenza.operator.testsupport.OperatorUnderTest;
import dev.cadenza.operator.testsupport.PodInfoStub;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.Ports;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator against a real kube-apiserver, with stream pods whose status the tests write as the
 * kubelet and the scheduler would (no node here): the conditions say why pods are not ready, and
 * {@code status.clock} and {@code status.catalogue} are what the ready pods answer at {@code
 * /actuator/info} on their management port (stub servers on two loopback addresses, the pods' IPs).
 */
@ExtendWith(DynaliteExtension.class)
class StreamPodsStatusTest {

  static final String NS = "music";
  static final String IMAGE = "localhost/cadenza/stream:nope";

  /** The port the operator asks the pods at, where the stubs listen. */
  static final int POD_PORT = Ports.free();

  @RegisterExtension
  static final OperatorUnderTest operator =
      OperatorUnderTest.with(
          TestOperators.settings(NS).withPodPolling(POD_PORT, Duration.ofSeconds(1)));

  static final KubeApi kube = operator.kube();

  static KubernetesClient client;
  static Dynalite dynalite;
  static PodInfoStub podA;
  static PodInfoStub podB;

  @BeforeAll
  static void start(Dynalite server) throws Exception {
    dynalite = server;
    client = kube.client();
    // the ServiceAccount admission wants the pods' account, which no controller makes here
    client
        .resource(
            new ServiceAccountBuilder()
                .withNewMetadata()
                .withName("default")
                .withNamespace(NS)
                .endMetadata()
                .build())
        .serverSideApply();
    claim("music", "Bound");
    podA = PodInfoStub.start("127.0.0.1", POD_PORT);
    podB = PodInfoStub.start("127.0.0.2", POD_PORT);
  }

  @AfterAll
  static void stopStubs() {
    if (podA != null) {
      podA.close();
    }
    if (podB != null) {
      podB.close();
    }
  }

  static void apply(String name, String spec) {
    KubeApi.applyMusicDelivery(
        client,
        NS,
        name,
        spec + "dynamodb: {tablePrefix: " + name + ", endpoint: '" + dynalite.endpoint() + "'}\n");
  }

  static void claim(String name, String phase) {
    KubeApi.libraryClaim(client, NS, name, phase);
  }

  static Pod pod(String instance, String name) {
    return Kubelet.pod(NS, instance, name, IMAGE);
  }

  static Condition condition(String name, String type) {
    return KubeApi.condition(client, NS, name, type);
  }

  static MusicDeliveryStatus status(String name) {
    MusicDelivery md = KubeApi.musicDelivery(client, NS, name);
    return md == null ? null : md.getStatus();
  }

  /**
   * Degraded is True for {@code reason} with a message that says all of {@code said}; Ready is
   * False for it, counting the ready pods before the same message; a Warning Event says so.
   */
  static void awaitExplained(String name, String reason, String readyPods, String... said) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              Condition degraded = condition(name, "Degraded");
              assertThat(degraded).isNotNull();
              assertThat(degraded.getStatus()).isEqualTo("True");
              assertThat(degraded.getReason()).isEqualTo(reason);
              assertThat(degraded.getMessage()).contains(said);
              Condition ready = condition(name, "Ready");
              assertThat(ready.getStatus()).isEqualTo("False");
              assertThat(ready.getReason()).isEqualTo(reason);
              assertThat(ready.getMessage())
                  .isEqualTo(readyPods + " stream pods ready: " + degraded.getMessage());
              assertThat(client.v1().events().inNamespace(NS).list().getItems())
                  .filteredOn(e -> e.getInvolvedObject().getName().equals(name))
                  .anySatisfy(
                      e -> {
                        assertThat(e.getType()).isEqualTo("Warning");
                        assertThat(e.getReason()).isEqualTo(reason);
                      });
            });
  }

  @Test
  void anImageThatCannotBePulledIsNamedWithTheKubeletsWords() {
    apply("pull", "image: " + IMAGE + "\nreplicas: 1\nlibrary: {persistentVolumeClaim: music}\n");
    Kubelet.run(
        client,
        pod("pull", "pull-1"),
        Kubelet.waiting(
            "ImagePullBackOff",
            "Back-off pulling image \""
                + IMAGE
                + "\": ErrImagePull: failed to pull and unpack image \""
                + IMAGE
                + "\": failed to resolve reference: connection refused"));

    awaitExplained(
        "pull",
        "ImagePullFailed",
        "0 of 1",
        "image " + IMAGE + " cannot be pulled (1 of 1 stream pods)",
        "failed to resolve reference: connection refused",
        "check spec.image");
  }

  @Test
  void aCrashLoopQuotesTheTerminationMessageUntilThePodRunsAgain() {
    apply("crash", "replicas: 1\nlibrary: {persistentVolumeClaim: music}\n");
    Pod crashing =
        Kubelet.run(
            client,
            pod("crash", "crash-1"),
            Kubelet.crashLooping(
                3,
                1,
                "Error",
                "Failed to bind properties under 'cadenza.library':\n\n    Reason:"
                    + " cadenza.library.path: '/music' is not a readable directory"));

    awaitExplained(
        "crash",
        "CrashLooping",
        "0 of 1",
        "container stream keeps exiting (1 of 1 stream pods, restarted 3 times); last exit code 1:"
            + " Failed to bind properties under 'cadenza.library': Reason: cadenza.library.path:"
            + " '/music' is not a readable directory");

    // the kubelet starts it again and it becomes ready; the Deployment controller counts it
    crashing.setStatus(Kubelet.ready("10.244.0.9"));
    client.resource(crashing).updateStatus();
    DeploymentController.reportReady(client, NS, "crash", 1);

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(condition("crash", "Ready").getReason()).isEqualTo("StreamPodsReady");
              assertThat(condition("crash", "Degraded").getReason()).isEqualTo("AsExpected");
            });
  }

  @Test
  void aMissingLibraryClaimIsNamedWithTheFieldToFix() {
    apply("nolib", "replicas: 1\nlibrary: {persistentVolumeClaim: absent}\n");

    awaitExplained(
        "nolib",
        "LibraryClaimMissing",
        "0 of 1",
        "PersistentVolumeClaim absent not found in namespace music: create it, or set"
            + " spec.library.persistentVolumeClaim");
  }

  @Test
  void aPendingLibraryClaimIsNamed() {
    claim("pending", "Pending");
    apply("waits", "replicas: 1\nlibrary: {persistentVolumeClaim: pending}\n");

    awaitExplained(
        "waits",
        "LibraryClaimPending",
        "0 of 1",
        "PersistentVolumeClaim pending is not bound to a volume yet (phase Pending)",
        "kubectl describe pvc pending -n music");
  }

  @Test
  void podsNoNodeTakesQuoteTheScheduler() {
    apply("big", "replicas: 2\nlibrary: {persistentVolumeClaim: music}\n");
    String scheduler =
        "0/1 nodes are available: 1 Insufficient memory. preemption: 0/1 nodes are available: 1"
            + " No preemption victims found for incoming pod.";
    Kubelet.run(client, pod("big", "big-1"), Kubelet.unschedulable(scheduler));
    Kubelet.run(client, pod("big", "big-2"), Kubelet.unschedulable(scheduler));

    awaitExplained(
        "big", "Unschedulable", "0 of 2", "2 of 2 stream pods cannot be scheduled: " + scheduler);
  }

  @Test
  void theClockAndCatalogueAreWhatTheReadyPodsAnswer() {
    podA.answer(PodInfoStub.info(0.3, 9, 4));
    podB.answer(PodInfoStub.info(-3.5, 8, 3));
    apply("tunes", "replicas: 2\nlibrary: {persistentVolumeClaim: music}\n");
    Kubelet.run(client, pod("tunes", "tunes-a"), Kubelet.ready("127.0.0.1"));
    Kubelet.run(client, pod("tunes", "tunes-b"), Kubelet.ready("127.0.0.2"));
    // not ready: not asked
    Kubelet.run(client, pod("tunes", "tunes-c"), Kubelet.starting("127.0.0.3"));

    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              MusicDeliveryStatus status = status("tunes");
              assertThat(status.clock).isNotNull();
              assertThat(status.clock.pods).isEqualTo(2);
              assertThat(status.clock.synchronisedPods).isEqualTo(2);
              assertThat(status.clock.source).isEqualTo("ntp");
              assertThat(status.clock.worstOffset).isEqualTo("5ms");
              assertThat(status.catalogue.pods).isEqualTo(2);
              assertThat(status.catalogue.tracks).isEqualTo(9);
              assertThat(status.catalogue.generation).isEqualTo(4L);
              assertThat(status.catalogue.podsAgreeing).isEqualTo(1);
            });

    // the lagging pod catches up: the next poll changes the summary, and the status follows
    podB.answer(PodInfoStub.info(-0.2, 9, 4));
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(status("tunes").catalogue.podsAgreeing).isEqualTo(2);
              assertThat(status("tunes").clock.worstOffset).isEqualTo("1ms");
            });

    // a pod that stops answering is left out
    podB.fail(503);
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              assertThat(status("tunes").clock.pods).isEqualTo(1);
              assertThat(status("tunes").catalogue.pods).isEqualTo(1);
            });
  }
}
