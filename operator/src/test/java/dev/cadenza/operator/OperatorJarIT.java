package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorJar;
import dev.cadenza.testsupport.Ports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The packaged jar, as users run it: {@code java -jar operator/target/cadenza-operator.jar}. */
class OperatorJarIT {

  @RegisterExtension static final KubeApi kube = new KubeApi();

  static final String NS = "jar";

  @TempDir Path dir;

  @Test
  void packagedJarReconcilesWithAKubeconfig() throws Exception {
    try (KubernetesClient admin = kube.newClient()) {
      KubeApi.installCrd(admin);
      KubeApi.createNamespace(admin, NS);
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), kube.kubeconfig());
      int port = Ports.free();
      Path log = dir.resolve("operator.log");
      ProcessBuilder pb = OperatorJar.command(log);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("CADENZA_WATCH_NAMESPACES", NS);
      pb.environment().put("CADENZA_HEALTH_PORT", Integer.toString(port));
      pb.environment().put("CADENZA_HEALTH_ADDRESS", "127.0.0.1");
      pb.environment().put("CADENZA_LEASE_NAMESPACE", NS);
      Process operator = pb.start();
      try {
        OperatorJar.awaitOk(operator, log, port, "/readyz");
        KubeApi.create(admin, OperatorJar.minimalExample(NS));
        await()
            .atMost(Duration.ofSeconds(60))
            .untilAsserted(
                () ->
                    assertThat(admin.resources(ConfigMap.class).inNamespace(NS).list().getItems())
                        .anySatisfy(
                            c -> assertThat(c.getData()).containsKey("CADENZA_LIBRARY_PATH")));
        operator.destroy(); // SIGTERM, as the kubelet sends
        assertThat(operator.waitFor(30, TimeUnit.SECONDS))
            .as("the operator exits on SIGTERM, leader election included")
            .isTrue();
      } finally {
        operator.destroyForcibly();
        operator.waitFor();
      }
    }
  }
}
