package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.testsupport.KubeApi;
import dev.cadenza.operator.testsupport.OperatorJar;
import dev.cadenza.testsupport.Ports;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The packaged operator's stop is bounded whatever its API server and DynamoDB do: SIGTERM while it
 * reconciles resources whose DynamoDB never answers, after its API server went away, ends it.
 */
class OperatorShutdownIT {

  @RegisterExtension static final KubeApi kube = new KubeApi();

  static final String NS = "shutdown";
  static final int RESOURCES = 15;

  @TempDir Path dir;

  /** How the API server goes away. */
  enum Gone {
    /** Stopped: connections are refused. */
    STOPPED,
    /** Frozen (SIGSTOP): connections are accepted, requests never answered. */
    FROZEN
  }

  @ParameterizedTest
  @EnumSource(Gone.class)
  void sigtermEndsAnOperatorWhoseApiServerAndDynamoDbAreGone(Gone gone) throws Exception {
    // connections to it complete (the backlog) but are never served: every DynamoDB call hangs
    // until the client's timeouts
    try (ServerSocket silent = new ServerSocket(0, 100, InetAddress.getLoopbackAddress())) {
      KubernetesClient admin = kube.client();
      KubeApi.installCrd(admin);
      KubeApi.createNamespace(admin, NS);
      for (int i = 0; i < RESOURCES; i++) {
        KubeApi.applyMusicDelivery(
            admin,
            NS,
            "silent-" + i,
            """
            library: {persistentVolumeClaim: music}
            dynamodb: {tablePrefix: silent-%d, endpoint: 'http://127.0.0.1:%d'}
            """
                .formatted(i, silent.getLocalPort()));
      }
      Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), kube.kubeconfig());
      int port = Ports.free();
      Path log = dir.resolve("operator.log");
      ProcessBuilder pb = OperatorJar.command(log);
      pb.environment().put("KUBECONFIG", kubeconfig.toString());
      pb.environment().put("CADENZA_WATCH_NAMESPACES", NS);
      pb.environment().put("CADENZA_LEASE_NAMESPACE", NS);
      pb.environment().put("CADENZA_HEALTH_PORT", Integer.toString(port));
      pb.environment().put("CADENZA_HEALTH_ADDRESS", "127.0.0.1");
      pb.environment().put("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
      pb.environment().put("AWS_SECRET_ACCESS_KEY", "example");
      Process operator = pb.start();
      try {
        OperatorJar.awaitOk(operator, log, port, "/readyz");
        // the workflow has run for every resource: the reconciliations are in their DynamoDB calls
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    admin.resources(ConfigMap.class).inNamespace(NS).list().getItems().size()
                        >= RESOURCES);

        if (gone == Gone.STOPPED) {
          kube.stop();
        } else {
          kube.freeze();
        }
        operator.destroy(); // SIGTERM, as the kubelet sends

        boolean exited = operator.waitFor(2, TimeUnit.MINUTES);
        String output = Files.readString(log);
        assertThat(exited).as("the operator exits on SIGTERM; its log: %s", output).isTrue();
        assertThat(output)
            .as("one line says how the stop ended (cleanly or forced)")
            .containsOnlyOnce("Cadenza operator stop");
      } finally {
        operator.destroyForcibly();
        operator.waitFor();
        kube.stop(); // a new server for the next case
      }
    }
  }
}
