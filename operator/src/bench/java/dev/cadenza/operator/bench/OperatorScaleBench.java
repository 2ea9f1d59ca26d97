package dev.cadenza.operator.bench;

import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.TestOperators;
import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.monitoring.Metrics;
import io.javaoperatorsdk.operator.api.reconciler.RetryInfo;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Not a test: N MusicDeliveries (default 200) applied at once against the real API server and
 * dynalite; prints the time until all are Ready, API requests per reconciliation and the heap. Run
 * with bench/operator-scale.sh.
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class OperatorScaleBench {

  @RegisterExtension static final KubeApi kube = new KubeApi();

  static final String NS = "bench";

  @Test
  void applyManyAtOnce() throws Exception {
    int n = Integer.getInteger("cadenza.bench.count", 200);
    Dynalite.useAsDefaultCredentials();
    AtomicLong requests = new AtomicLong();
    AtomicLong reconciles = new AtomicLong();
    Config config = Config.fromKubeconfig(kube.kubeconfig());
    try (Dynalite dynalite = Dynalite.start();
        KubernetesClient admin = kube.newClient();
        KubernetesClient counted =
            new KubernetesClientBuilder()
                .withConfig(config)
                .withHttpClientBuilderConsumer(
                    b ->
                        b.addOrReplaceInterceptor(
                            "count",
                            new Interceptor() {
                              @Override
                              public void before(
                                  BasicBuilder builder, HttpRequest request, RequestTags tags) {
                                requests.incrementAndGet();
                              }
                            }))
                .build()) {
      KubeApi.installCrd(admin);
      KubeApi.createNamespace(admin, NS);
      SharedIndexInformer<Deployment> kubelet = playDeploymentController(admin);
      Operator operator =
          TestOperators.create(
              counted,
              NS,
              new Metrics() {
                @Override
                public void reconcileCustomResource(
                    HasMetadata resource, RetryInfo retryInfo, Map<String, Object> metadata) {
                  reconciles.incrementAndGet();
                }
              });
      operator.start();
      long startRequests = requests.get();
      long start = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int i = 0; i < n; i++) {
        String name = "md-" + i;
        pool.execute(
            () ->
                admin
                    .resource(
                        Serialization.unmarshal(
                            """
                            apiVersion: cadenza.dev/v1alpha1
                            kind: MusicDelivery
                            metadata: {name: NAME, namespace: bench}
                            spec:
                              replicas: 2
                              library: {persistentVolumeClaim: music}
                              dynamodb: {tablePrefix: NAME, endpoint: 'ENDPOINT'}
                            """
                                .replace("NAME", name)
                                .replace("ENDPOINT", dynalite.endpoint().toString()),
                            GenericKubernetesResource.class))
                    .create());
      }
      pool.shutdown();
      pool.awaitTermination(5, TimeUnit.MINUTES);
      long applied = System.nanoTime();
      await()
          .atMost(Duration.ofMinutes(15))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> ready(admin) == n);
      long done = System.nanoTime();
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long heapMb = (rt.totalMemory() - rt.freeMemory()) / (1024 * 1024);
      long apiRequests = requests.get() - startRequests;
      System.out.printf(
          "%nBENCH operator-scale: %d MusicDeliveries (3 tables each on dynalite, 6 Kubernetes"
              + " resources each)%n"
              + "BENCH applied in %.1f s; all Ready after %.1f s%n"
              + "BENCH reconciliations: %d (%.1f per resource); API requests by the operator: %d"
              + " (%.1f per reconciliation, %.1f per resource)%n"
              + "BENCH heap used after GC: %d MiB (operator, test harness and one client in one"
              + " JVM)%n%n",
          n,
          (applied - start) / 1e9,
          (done - start) / 1e9,
          reconciles.get(),
          reconciles.get() / (double) n,
          apiRequests,
          apiRequests / (double) Math.max(1, reconciles.get()),
          apiRequests / (double) n,
          heapMb);
      operator.stop();
      kubelet.close();
    }
  }

  private static long ready(KubernetesClient admin) {
    return admin.resources(MusicDelivery.class).inNamespace(NS).list().getItems().stream()
        .filter(
            md ->
                md.getStatus() != null
                    && md.getStatus().conditions.stream()
                        .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True")))
        .count();
  }

  /** No kubelet here: report every Deployment's pods as ready, as the controller would. */
  private static SharedIndexInformer<Deployment> playDeploymentController(KubernetesClient admin) {
    return admin
        .apps()
        .deployments()
        .inNamespace(NS)
        .inform(
            new ResourceEventHandler<>() {
              @Override
              public void onAdd(Deployment d) {
                markReady(admin, d);
              }

              @Override
              public void onUpdate(Deployment old, Deployment d) {
                markReady(admin, d);
              }

              @Override
              public void onDelete(Deployment d, boolean unknown) {}
            });
  }

  private static void markReady(KubernetesClient admin, Deployment d) {
    int replicas = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
    if (d.getStatus() != null
        && d.getStatus().getReadyReplicas() != null
        && d.getStatus().getReadyReplicas() == replicas) {
      return;
    }
    d.setStatus(
        new DeploymentStatusBuilder()
            .withReplicas(replicas)
            .withReadyReplicas(replicas)
            .withUpdatedReplicas(replicas)
            .withAvailableReplicas(replicas)
            .withObservedGeneration(d.getMetadata().getGeneration())
            .build());
    try {
      admin.resource(d).updateStatus();
    } catch (RuntimeException e) {
      // a newer version exists: its own event comes next
    }
  }
}
