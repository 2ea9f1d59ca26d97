package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.testsupport.Ports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, as users run it: {@code java -jar operator/target/cadenza-operator.jar}. */
class OperatorJarIT {

  static final String NS = "jar";

  @TempDir Path dir;

  @Test
  void packagedJarReconcilesWithAKubeconfig() throws Exception {
    Path jar = Path.of("target/cadenza-operator.jar");
    assertThat(jar).exists();
    try (KubernetesClient admin = KubeApi.adminClient()) {
      KubeApi.installCrd(admin);
      KubeApi.createNamespace(admin, NS);
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), KubeApi.kubeconfig());
      int port = Ports.free();
      ProcessBuilder pb =
          new ProcessBuilder(
                  Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                  "-jar",
                  jar.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("operator.log").toFile());
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("CADENZA_WATCH_NAMESPACES", NS);
      pb.environment().put("CADENZA_HEALTH_PORT", Integer.toString(port));
      pb.environment().put("CADENZA_HEALTH_ADDRESS", "127.0.0.1");
      pb.environment().put("CADENZA_LEASE_NAMESPACE", NS);
      Process operator = pb.start();
      try {
        HttpClient http = HttpClient.newHttpClient();
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> {
                  assertThat(operator.isAlive())
                      .as("operator exited: %s", Files.readString(dir.resolve("operator.log")))
                      .isTrue();
                  try {
                    return http.send(
                                HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + port + "/readyz"))
                                    .build(),
                                HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                        == 200;
                  } catch (java.io.IOException e) {
                    return false;
                  }
                });
        KubeApi.create(
            admin,
            Files.readString(Path.of("../examples/minimal.yaml"))
                .replaceAll("(?m)^  namespace: .*$", "  namespace: " + NS));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(admin.resources(ConfigMap.class).inNamespace(NS).list().getItems())
                        .anySatisfy(
                            c -> assertThat(c.getData()).containsKey("CADENZA_LIBRARY_PATH")));
        operator.destroy(); // SIGTERM, as the kubelet sends
        assertThat(operator.waitFor(30, java.util.concurrent.TimeUnit.SECONDS))
            .as("the operator exits on SIGTERM, leader election included")
            .isTrue();
      } finally {
        operator.destroyForcibly();
        operator.waitFor();
      }
    }
  }
}
