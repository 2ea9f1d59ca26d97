package dev.cadenza.stream.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cadenza.stream.library.LibraryFixtures;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web player when the server really goes away: {@code web-tests/server-gone.mjs} starts the
 * packaged jar as a process of its own (authentication on, the embedded store in a data directory),
 * kills it with SIGKILL while a page plays and while two pages are in a group session, and starts
 * it again on the same port and data; the pages must say the server is unreachable, then recover
 * (the cookie session is still valid). An IT because it needs the jar ({@code package}); the
 * browser and npm packages come from {@code hack/browser.sh}, as for {@link WebPlayerBrowserTest}.
 */
class WebPlayerServerGoneIT {

  /** A bound on the run (three JVM starts and two browsers), so a hang cannot hang the build. */
  private static final long LIMIT_MINUTES = 10;

  @TempDir static Path work;
  @TempDir static Path library;

  @BeforeAll
  static void prerequisites() throws IOException {
    WebPlayerBrowserTest.requirePrerequisites();
    assertThat(Path.of("target/cadenza-stream-service.jar")).as("run after package").exists();
    LibraryFixtures.copyDemo(library);
  }

  @Test
  void thePageSaysTheServerIsUnreachableAndRecoversWhenItIsKilledAndStartedAgain()
      throws Exception {
    Path web = WebPlayerBrowserTest.WEB_TESTS;
    ProcessBuilder builder =
        new ProcessBuilder("node", web.resolve("server-gone.mjs").toString())
            .directory(web.toFile())
            .redirectErrorStream(true);
    builder.environment().put("CADENZA_WORK", work.toString());
    builder.environment().put("CADENZA_LIBRARY", library.toString());
    builder
        .environment()
        .put(
            "CADENZA_JAR",
            Path.of("target/cadenza-stream-service.jar").toAbsolutePath().toString());
    builder
        .environment()
        .put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    builder
        .environment()
        .put("CADENZA_SCREENSHOTS", Path.of("target", "web-tests").toAbsolutePath().toString());
    builder.environment().put("CHROMIUM", WebPlayerBrowserTest.CHROMIUM.toString());
    Process node = builder.start();
    List<String> output = new ArrayList<>();
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  String line;
                  while ((line = lines.readLine()) != null) {
                    System.out.println("[server-gone] " + line);
                    synchronized (output) {
                      output.add(line);
                    }
                  }
                } catch (IOException e) {
                  // the process ended
                }
              },
              "server-gone-output");
      reader.start();
      if (!node.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES)) {
        fail("server-gone.mjs still ran after " + LIMIT_MINUTES + " min");
      }
      reader.join();
      synchronized (output) {
        assertThat(node.exitValue())
            .as(
                "node server-gone.mjs exit status; its output:%n%s%nthe service's log: %s",
                String.join("\n", output), work.resolve("service.log"))
            .isZero();
      }
    } finally {
      // the service it started is its child: killed with it
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
  }
}
