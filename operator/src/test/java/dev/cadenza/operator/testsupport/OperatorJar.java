package dev.cadenza.operator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The packaged operator jar run as a process, for the ITs that run after {@code package}. */
public final class OperatorJar {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private OperatorJar() {}

  /** {@code target/cadenza-operator.jar}, which must have been packaged. */
  public static Path path() {
    Path jar = Path.of("target/cadenza-operator.jar");
    assertThat(jar).exists();
    return jar;
  }

  /** A {@code java -jar} of it with this JVM, its output (both streams) to {@code log}. */
  public static ProcessBuilder command(Path log) {
    return new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar",
            path().toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
  }

  /** The status of a GET of {@code path} on 127.0.0.1:{@code port}; -1 when nothing answers. */
  public static int status(int port, String path) throws InterruptedException {
    try {
      return HTTP.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    }
  }

  /** Waits (60 s at most) for {@code path} to answer 200, failing with the log if it exits. */
  public static void awaitOk(Process operator, Path log, int port, String path) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              assertThat(operator.isAlive())
                  .as("operator exited: %s", Files.readString(log))
                  .isTrue();
              return status(port, path) == 200;
            });
  }

  /** examples/minimal.yaml, moved to namespace {@code ns}. */
  public static String minimalExample(String ns) throws IOException {
    return Files.readString(Path.of("../examples/minimal.yaml"))
        .replaceAll("(?m)^  namespace: .*$", "  namespace: " + ns);
  }
}
