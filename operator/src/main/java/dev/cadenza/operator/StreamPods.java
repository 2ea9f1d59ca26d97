package dev.cadenza.operator;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.processing.ResourceIDMapper;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingConfigurationBuilder;
import io.javaoperatorsdk.operator.processing.event.source.polling.PerResourcePollingEventSource;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the operator sees of a MusicDelivery's stream pods besides the Deployment's counts: the pods
 * themselves, watched by their labels (they belong to the Deployment's ReplicaSets, not to the
 * MusicDelivery), so that a pod that cannot pull its image or keeps exiting is reported as it
 * happens; the library's PersistentVolumeClaim, read only while pods are not ready (no cache of
 * every claim in the watched namespaces); and what the ready pods report of their clock and
 * catalogue, polled every {@link OperatorSettings.PodPolling#interval} by {@link PodReportReader},
 * which triggers a reconciliation only when the summary changes.
 */
final class StreamPods {

  private static final Logger log = LoggerFactory.getLogger(StreamPods.class);

  /** Selects the pods of every MusicDelivery: the labels the operator puts on its pod template. */
  static final String SELECTOR =
      "app.kubernetes.io/name=" + Names.APP + ",app.kubernetes.io/managed-by=" + Names.MANAGED_BY;

  /** Threads that read pods' reports, for all MusicDeliveries together. */
  static final int POLLING_THREADS = 2;

  private final PodReportReader reader;
  private final Duration interval;

  StreamPods(OperatorSettings settings) {
    this.reader = new PodReportReader(settings.podPolling().port());
    this.interval = settings.podPolling().interval();
  }

  /** The pods' informer and the poll of their reports. */
  List<EventSource<?, MusicDelivery>> eventSources(EventSourceContext<MusicDelivery> context) {
    InformerEventSource<Pod, MusicDelivery> pods =
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, MusicDelivery.class)
                .withName("stream-pods")
                .withNamespacesInheritedFromController()
                .withLabelSelector(SELECTOR)
                .withSecondaryToPrimaryMapper(StreamPods::owner)
                .build(),
            context);
    PerResourcePollingEventSource<PodReports, MusicDelivery, String> reports =
        new PerResourcePollingEventSource<>(
            PodReports.class,
            context,
            new PerResourcePollingConfigurationBuilder<PodReports, MusicDelivery, String>(
                    md -> Set.of(read(md, pods)), interval)
                .withName("stream-pod-reports")
                .withExecutorService(pollingThreads())
                .withResourceIDMapper(ResourceIDMapper.singleResourceResourceIDMapper())
                .build());
    return List.of(pods, reports);
  }

  /** Never throws: a poll that fails leaves the status without reports until the next one. */
  private PodReports read(MusicDelivery md, InformerEventSource<Pod, MusicDelivery> pods) {
    try {
      return reader.read(md, pods.getSecondaryResources(md));
    } catch (RuntimeException e) {
      log.warn(
          "Reading the stream pods' reports of {}/{} failed: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.toString());
      return PodReports.NONE;
    }
  }

  /** A pod's MusicDelivery: its instance label, in its namespace. */
  private static Set<ResourceID> owner(Pod pod) {
    String instance = pod.getMetadata().getLabels().get("app.kubernetes.io/instance");
    return instance == null
        ? Set.of()
        : Set.of(new ResourceID(instance, pod.getMetadata().getNamespace()));
  }

  /**
   * The stream pods of {@code md}: the Deployment's counts, why they are not ready when {@code
   * wanted} are not (from the pods and the library's claim), and what the ready ones report.
   */
  static StatusAggregator.Pods observe(
      MusicDelivery md, Context<MusicDelivery> context, int wanted) {
    StatusAggregator.Pods counts =
        StatusAggregator.Pods.of(
            context.getSecondaryResource(Deployment.class).map(Deployment::getStatus).orElse(null));
    PodReports reports = context.getSecondaryResource(PodReports.class).orElse(PodReports.NONE);
    if (wanted == 0 || counts.rolledOut(wanted)) {
      return counts.with(Optional.empty(), reports);
    }
    return counts.with(
        PodDiagnosis.of(md, context.getSecondaryResources(Pod.class), claim(md, context)), reports);
  }

  /** The library's claim, read now; unknown when the read fails (then nothing is said of it). */
  private static PodDiagnosis.Claim claim(MusicDelivery md, Context<MusicDelivery> context) {
    try {
      return PodDiagnosis.Claim.of(
          context
              .getClient()
              .persistentVolumeClaims()
              .inNamespace(md.getMetadata().getNamespace())
              .withName(md.getSpec().library.persistentVolumeClaim)
              .get());
    } catch (KubernetesClientException e) {
      log.debug(
          "Could not read the library claim of {}/{}: {}",
          md.getMetadata().getNamespace(),
          Names.of(md),
          e.getMessage());
      return PodDiagnosis.Claim.UNKNOWN;
    }
  }

  private static ScheduledExecutorService pollingThreads() {
    AtomicInteger n = new AtomicInteger();
    return Executors.newScheduledThreadPool(
        POLLING_THREADS,
        r -> {
          Thread t = new Thread(r, "cadenza-pod-reports-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }
}
