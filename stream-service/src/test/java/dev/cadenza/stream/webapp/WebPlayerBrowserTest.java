package dev.cadenza.stream.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web player in a real browser: each scenario of {@code web-tests/scenarios/} runs as one test,
 * {@code node web-tests/run.mjs <scenario>} (Playwright driving Debian's Chromium headless) against
 * the service on a copy of the demo library (scenarios change it, {@code CADENZA_LIBRARY}: one
 * removes a file, one adds a long one, one writes an album), with authentication on and a known
 * admin. A scenario's output is printed; a failure leaves screenshots in {@code target/web-tests/}.
 * Chromium and the npm packages come from {@code hack/browser.sh}, which the build runs before the
 * tests; without them the tests are skipped, or fail when {@code CI=true}.
 */
class WebPlayerBrowserTest {

  /** A bound on one scenario, so that a hung browser cannot hang the build. */
  private static final long SCENARIO_LIMIT_MINUTES = 5;

  static final Path WEB_TESTS = Path.of("").toAbsolutePath().getParent().resolve("web-tests");
  static final Path CHROMIUM =
      Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));

  @TempDir static Path data;
  @TempDir static Path library;
  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    requirePrerequisites();
    // scenarios log in many times from one address, some with a wrong password on purpose
    app =
        AccountTestApp.start(
            LibraryFixtures.copyDemo(library),
            data,
            "--cadenza.auth.failed-logins.max-failures-per-address=1000");
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @TestFactory
  Stream<DynamicTest> everyScenarioPassesInChromium() throws IOException {
    List<Path> scenarios;
    try (Stream<Path> files = Files.list(WEB_TESTS.resolve("scenarios"))) {
      scenarios = files.filter(f -> f.toString().endsWith(".mjs")).sorted().toList();
    }
    assertThat(scenarios).as("scenarios in " + WEB_TESTS).isNotEmpty();
    return scenarios.stream()
        .map(s -> DynamicTest.dynamicTest(s.getFileName().toString(), () -> run(s)));
  }

  static void run(Path scenario) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("node", WEB_TESTS.resolve("run.mjs").toString(), scenario.toString())
            .directory(WEB_TESTS.toFile())
            .redirectErrorStream(true);
    builder.environment().put("CADENZA_URL", "http://127.0.0.1:" + app.port());
    builder.environment().put("CADENZA_USER", AccountTestApp.ADMIN);
    builder.environment().put("CADENZA_PASSWORD", AccountTestApp.ADMIN_PASSWORD);
    builder.environment().put("CADENZA_LIBRARY", library.toString());
    builder
        .environment()
        .put("CADENZA_SCREENSHOTS", Path.of("target", "web-tests").toAbsolutePath().toString());
    builder.environment().put("CHROMIUM", CHROMIUM.toString());
    Process node = builder.start();
    List<String> output = new ArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                  System.out.println("[web-tests] " + line);
                  synchronized (output) {
                    output.add(line);
                  }
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "web-tests-output");
    reader.start();
    try {
      if (!node.waitFor(SCENARIO_LIMIT_MINUTES, TimeUnit.MINUTES)) {
        fail(scenario.getFileName() + " still ran after " + SCENARIO_LIMIT_MINUTES + " min");
      }
      reader.join();
      synchronized (output) {
        assertThat(node.exitValue())
            .as("node run.mjs %s exit status; its output:%n%s", scenario, String.join("\n", output))
            .isZero();
      }
    } finally {
      node.descendants().forEach(ProcessHandle::destroyForcibly);
      node.destroyForcibly();
    }
  }

  /** Skips (fails under CI=true) when hack/browser.sh has not installed what the tests need. */
  static void requirePrerequisites() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM + " (apt-get install chromium)");
    }
    if (!Files.isDirectory(WEB_TESTS.resolve("node_modules/playwright-core"))
        || !Files.isDirectory(WEB_TESTS.resolve("node_modules/@axe-core/playwright"))) {
      missing.add("web-tests/node_modules (npm ci in web-tests)");
    }
    if (missing.isEmpty()) {
      return;
    }
    String message =
        "The browser tests need "
            + String.join(" and ", missing)
            + ": run hack/browser.sh (as root it installs Chromium too).";
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail(message);
    }
    Assumptions.abort(message);
  }
}
