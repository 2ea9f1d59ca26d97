package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.cadenza.operator.testsupport.KubeApi;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.monitoring.micrometer.MicrometerMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The operator process's probes and metrics, against a real API server. */
class OperatorEndpointsTest {

  @RegisterExtension static final KubeApi kube = new KubeApi();

  /** By hand, not {@code OperatorUnderTest}: the probes are asked before the operator starts. */
  @Test
  void healthReadinessAndMetricsAreServed() throws Exception {
    PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    KubernetesClient client = kube.client();
    KubeApi.installCrd(client);
    Operator operator =
        CadenzaOperator.create(
            client,
            TestOperators.settings("default"),
            o -> o.withMetrics(MicrometerMetrics.withoutPerResourceMetrics(metrics)));
    HttpServer server =
        CadenzaOperator.health(operator, metrics, new InetSocketAddress("127.0.0.1", 0));
    HttpClient http = HttpClient.newHttpClient();
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    try {
      assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(503);
      operator.start();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                assertThat(get(http, base + "/healthz").statusCode()).isEqualTo(200);
                assertThat(get(http, base + "/readyz").statusCode()).isEqualTo(200);
              });
      HttpResponse<String> scrape = get(http, base + "/metrics");
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body()).contains("operator_sdk");
    } finally {
      server.stop(0);
      operator.stop();
    }
  }

  private static HttpResponse<String> get(HttpClient http, String uri) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(uri)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
