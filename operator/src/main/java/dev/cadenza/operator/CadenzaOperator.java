package dev.cadenza.operator;

import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import dev.cadenza.operator.dynamodb.DynamoDbClients;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.ConfigurationServiceOverrider;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process: reconciles MusicDelivery resources in the watched namespaces (all when
 * CADENZA_WATCH_NAMESPACES is empty), using KUBECONFIG or the in-cluster configuration, with leader
 * election when CADENZA_LEASE_NAMESPACE is set (through the Lease CADENZA_LEASE_NAME there), and
 * /healthz and /readyz on CADENZA_HEALTH_PORT.
 */
public final class CadenzaOperator {

  private static final Logger log = LoggerFactory.getLogger(CadenzaOperator.class);

  /**
   * What a stop keeps of its {@link OperatorSettings#shutdownTimeout()} for what follows the
   * reconciliations: releasing the Lease and closing the clients.
   */
  static final Duration CLOSING = Duration.ofSeconds(3);

  private CadenzaOperator() {}

  /**
   * An operator with the MusicDelivery reconciler registered, not yet started. A replica that loses
   * leadership exits (unless the process is already stopping), so that Kubernetes restarts it as a
   * follower.
   */
  public static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      BooleanSupplier stopping,
      Consumer<ConfigurationServiceOverrider> extra) {
    LeaderCallbacks exitWhenLost =
        new LeaderCallbacks(
            () -> {
              if (settings.leaseOwner() != null) {
                LeaseOwner.adopt(
                    client, settings.leaseNamespace(), settings.leaseName(), settings.leaseOwner());
              }
            },
            () -> {
              if (!stopping.getAsBoolean()) {
                log.error("Lost leadership; exiting so that a follower takes over");
                System.exit(1);
              }
            },
            leader -> {});
    return build(client, settings, exitWhenLost, extra);
  }

  /** For tests: leader election (when configured) without exiting, plus extra settings. */
  static Operator create(
      KubernetesClient client,
      OperatorSettings settings,
      Consumer<ConfigurationServiceOverrider> extra) {
    return build(client, settings, null, extra);
  }

  private static Operator build(
      KubernetesClient client,
      OperatorSettings settings,
      LeaderCallbacks leaderCallbacks,
      Consumer<ConfigurationServiceOverrider> extra) {
    MusicDeliveryReconciler reconciler = new MusicDeliveryReconciler(settings);
    Operator operator =
        new Operator(
            o -> {
              o.withKubernetesClient(client)
                  .withCloseClientOnStop(false)
                  .withReconciliationTerminationTimeout(reconciliationGrace(settings))
                  .withDependentResourceFactory(new Dependents(settings));
              if (settings.leaseNamespace() != null) {
                // JOSDK's own exit would run inside the shutdown hook and hang it
                LeaderElectionConfigurationBuilder election =
                    LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                            settings.leaseName())
                        .withLeaseNamespace(settings.leaseNamespace())
                        .withExitOnStopLeading(false);
                if (leaderCallbacks != null) {
                  election.withLeaderCallbacks(leaderCallbacks);
                }
                o.withLeaderElectionConfiguration(election.build());
              }
              extra.accept(o);
            }) {
          /**
           * Stops reconciling, then closes the DynamoDB clients (a later start builds new ones).
           */
          @Override
          public void stop() {
            try {
              super.stop();
            } finally {
              reconciler.close();
            }
          }
        };
    operator.register(
        reconciler,
        c -> {
          c.withRetry(MusicDeliveryReconciler.RETRY);
          if (!settings.namespaces().isEmpty()) {
            c.settingNamespaces(settings.namespaces());
          }
        });
    return operator;
  }

  /**
   * How long {@link Operator#stop()} lets reconciliations in progress finish before it interrupts
   * them: the shutdown timeout but {@link #CLOSING}; by default 17 s, longer than one DynamoDB call
   * may take ({@link DynamoDbClients#CALL_TIMEOUT}). JOSDK's default is zero: a stop interrupts a
   * reconciliation in the middle of a DynamoDB call, and the AWS SDK then drops the request half
   * sent (which dynalite, for one, does not survive).
   */
  static Duration reconciliationGrace(OperatorSettings settings) {
    Duration grace = settings.shutdownTimeout().minus(CLOSING);
    return grace.isNegative() ? Duration.ZERO : grace;
  }

  /**
   * Serves {@code /healthz} (the operator runs) and {@code /readyz} (every watch is healthy) for
   * the kubelet's probes, and {@code /metrics} for Prometheus.
   */
  static HttpServer health(
      Operator operator, PrometheusMeterRegistry metrics, InetSocketAddress address)
      throws IOException {
    HttpServer server = HttpServer.create(address, 0);
    server.createContext(
        "/metrics",
        exchange -> {
          byte[] body = metrics.scrape().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
          exchange.sendResponseHeaders(200, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.createContext("/healthz", probe(() -> operator.getRuntimeInfo().isStarted()));
    server.createContext(
        "/readyz",
        probe(
            () ->
                operator.getRuntimeInfo().isStarted()
                    && operator.getRuntimeInfo().allEventSourcesAreHealthy()));
    server.start();
    return server;
  }

  private static HttpHandler probe(BooleanSupplier ok) {
    return exchange -> {
      boolean healthy = ok.getAsBoolean();
      byte[] body = (healthy ? "ok\n" : "unhealthy\n").getBytes(StandardCharsets.US_ASCII);
      exchange.getResponseHeaders().set("Content-Type", "text/plain");
      exchange.sendResponseHeaders(healthy ? 200 : 503, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    };
  }

  public static void main(String[] args) throws IOException {
    OperatorSettings settings = OperatorSettings.load();
    KubernetesClient client = new KubernetesClientBuilder().build();
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(metrics);
    new JvmGcMetrics().bindTo(metrics);
    new JvmThreadMetrics().bindTo(metrics);
    new ProcessorMetrics().bindTo(metrics);
    AtomicBoolean stopping = new AtomicBoolean();
    Operator operator =
        create(
            client,
            settings,
            stopping::get,
            o -> o.withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics)));
    HttpServer health =
        settings.healthPort() > 0
            ? health(
                operator,
                metrics,
                new InetSocketAddress(settings.healthAddress(), settings.healthPort()))
            : null;
    // the JVM exits once this hook returns; BoundedShutdown makes sure it returns
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.set(true);
                  BoundedShutdown.run(
                      settings.shutdownTimeout(),
                      () -> {
                        operator.stop();
                        if (health != null) {
                          health.stop(0);
                        }
                        client.close();
                      },
                      () -> Runtime.getRuntime().halt(BoundedShutdown.HALTED));
                },
                "operator-stop"));
    operator.start();
    log.info(
        "Cadenza operator started; watching {}{}{}",
        settings.namespaces().isEmpty() ? "all namespaces" : settings.namespaces(),
        settings.leaseNamespace() == null
            ? ""
            : ", leader election through Lease "
                + settings.leaseNamespace()
                + "/"
                + settings.leaseName(),
        settings.dynamoDbEndpoint() == null
            ? ""
            : ", default DynamoDB endpoint " + settings.dynamoDbEndpoint());
  }
}
