package dev.cadenza.operator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.operator.crd.v1alpha1.MusicDelivery;
import dev.cadenza.operator.dependent.StreamConfig;
import dev.cadenza.operator.testsupport.Kubelet;
import dev.cadenza.testsupport.Ports;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The environment the operator renders for stream pods starts the real stream service: the
 * configuration contract (docs/configuration.md) tested end to end, with what the operator reads
 * back: the pod's {@code /actuator/info} on its management port and, when it cannot start, its
 * termination message. The stream-service module is built before this one in the reactor.
 */
class RenderedConfigStartsStreamServiceTest {

  static final Path JAR = Path.of("../stream-service/target/cadenza-stream-service.jar");

  @TempDir Path library;

  @Test
  void renderedEnvironmentStartsAStreamServiceThatServesTheLibrary() throws Exception {
    assertThat(JAR).as("build stream-service first (./mvnw verify does)").exists();
    MusicDelivery md =
        Serialization.unmarshal(
            """
            apiVersion: cadenza.dev/v1alpha1
            kind: MusicDelivery
            metadata: {name: jazz, namespace: music}
            spec:
              library: {persistentVolumeClaim: music}
              dynamodb: {tablePrefix: jazz, region: eu-west-1}
              cache: {memory: 256Mi, chunkSize: 256Ki, ttl: 12h}
              ntp: {servers: [127.0.0.1], pollInterval: 64s, maxOffset: 50ms}
            """,
            MusicDelivery.class);
    Map<String, String> env =
        new TreeMap<>(StreamConfig.environment(md.getSpec(), OperatorSettings.load()));
    assertThat(env)
        .containsEntry("CADENZA_LIBRARY_PATH", StreamConfig.LIBRARY_MOUNT)
        .containsEntry("MANAGEMENT_SERVER_PORT", Integer.toString(StreamConfig.MANAGEMENT_PORT))
        .containsEntry("MANAGEMENT_SERVER_ADDRESS", "0.0.0.0");
    // The pod mounts the library at /music; here a temporary directory stands in for the volume.
    Files.copy(
        Path.of(
            "../stream-service/src/main/resources/demo-library/Aurora Lane/Tides/01 Low Water.ogg"),
        library.resolve("Low Water.ogg"));
    env.put("CADENZA_LIBRARY_PATH", library.toString());
    int port = Ports.free();
    env.put("SERVER_PORT", Integer.toString(port));
    env.put("SERVER_ADDRESS", "127.0.0.1");
    // the pod's ports may be taken on a shared test machine, and all interfaces are not needed
    int managementPort = Ports.free();
    env.put("MANAGEMENT_SERVER_PORT", Integer.toString(managementPort));
    env.put("MANAGEMENT_SERVER_ADDRESS", "127.0.0.1");
    // the pod's SNTP port may be taken on a shared test machine
    env.put("CADENZA_CLOCK_SNTP_PORT", "0");
    // no DynamoDB behind the rendered table prefix here, so no users table to log in against:
    // this test is about the rendered settings, read without credentials
    env.put("CADENZA_AUTH_ENABLED", "false");
    // the pod reads these by secretKeyRef from the auth Secret, not from the ConfigMap
    assertThat(env)
        .containsEntry("CADENZA_AUTH_ADMIN_USERNAME", "admin")
        .doesNotContainKeys("CADENZA_AUTH_ADMIN_PASSWORD", "CADENZA_AUTH_SECRET_KEY");
    env.put("CADENZA_AUTH_ADMIN_PASSWORD", "rendered-config-test");
    env.put("CADENZA_AUTH_SECRET_KEY", "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=");

    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(library.resolveSibling(library.getFileName() + ".log").toFile());
    pb.environment().putAll(env);
    Process process = pb.start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      URI ready = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(500))
          .until(
              () -> {
                assertThat(process.isAlive()).as("stream service exited at start-up").isTrue();
                try {
                  return http.send(
                              HttpRequest.newBuilder(ready).build(),
                              HttpResponse.BodyHandlers.discarding())
                          .statusCode()
                      == 200;
                } catch (IOException e) {
                  return false;
                }
              });
      String tracks =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/tracks"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      assertThat(tracks).contains("\"title\":\"Low Water\"");
      // the actuator is on the management port only: the API port, which the Service, the
      // Ingress and the HTTPRoute lead to, does not serve it
      assertThat(
              http.send(
                      HttpRequest.newBuilder(
                              URI.create("http://127.0.0.1:" + port + "/actuator/info"))
                          .build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode())
          .isEqualTo(404);

      // what the operator reads of a ready pod, read by the operator's own reader
      Pod pod =
          Kubelet.with(
              Kubelet.pod("music", "jazz", "jazz-0", "cadenza/stream"), Kubelet.ready("127.0.0.1"));
      PodReports reports = new PodReportReader(managementPort).read(md, List.of(pod));
      assertThat(reports.catalogue()).isEqualTo(new PodReports.Catalogue(1, 1, null, 1));
      assertThat(reports.clock().pods()).isEqualTo(1);
      assertThat(reports.clock().source()).isEqualTo("ntp");
    } finally {
      process.destroy();
      process.waitFor();
    }
  }

  @Test
  void aStreamServiceThatCannotStartSaysWhyInItsTerminationMessage() throws Exception {
    assertThat(JAR).as("build stream-service first (./mvnw verify does)").exists();
    // the kubelet creates the file before the container starts
    Path terminationLog = Files.createFile(library.resolve("termination-log"));
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                JAR.toString())
            .redirectErrorStream(true)
            .redirectOutput(library.resolve("stream-service.log").toFile());
    pb.environment().put("CADENZA_LIBRARY_PATH", library.resolve("not-mounted").toString());
    pb.environment().put("CADENZA_TERMINATION_LOG", terminationLog.toString());
    // without DynamoDB the service keeps its users under the data directory: not the home's
    pb.environment().put("CADENZA_DATA_DIR", library.resolve("data").toString());
    pb.environment().put("SERVER_PORT", Integer.toString(Ports.free()));
    pb.environment().put("MANAGEMENT_SERVER_PORT", Integer.toString(Ports.free()));
    pb.environment().put("CADENZA_CLOCK_SNTP_PORT", "0");
    Process process = pb.start();
    try {
      assertThat(process.waitFor(90, TimeUnit.SECONDS)).as("the service exits").isTrue();
      assertThat(process.exitValue()).isNotZero();
      assertThat(Files.readString(terminationLog))
          .contains("cadenza.library.path")
          .contains("is not a readable directory")
          .doesNotContain("\tat ");
    } finally {
      process.destroyForcibly();
      process.waitFor();
    }
  }
}
