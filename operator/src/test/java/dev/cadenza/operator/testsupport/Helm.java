package dev.cadenza.operator.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The helm binary that hack/helm.sh installs (the operator's build runs it before the tests), run
 * on the chart in helm/cadenza-operator. Every call passes {@code --kube-version} of the test API
 * server: a helm built with {@code go install} otherwise assumes client-go's default version.
 */
public final class Helm {

  /** The chart, relative to the operator module (the tests' working directory). */
  public static final Path CHART = Path.of("../helm/cadenza-operator");

  /** Helm's version, as the operator pom gives it to hack/helm.sh. */
  public static final String VERSION = System.getProperty("cadenza.helm.version", "v3.22.0");

  private Helm() {}

  /** The output of a helm command run to completion. */
  public record Result(int exitCode, String stdout, String stderr) {
    public String all() {
      return stdout + stderr;
    }
  }

  /** Path of the helm binary; fails when hack/helm.sh has not installed it. */
  public static Path binary() {
    String dir =
        System.getenv()
            .getOrDefault(
                "CADENZA_HELM_DIR",
                Path.of(System.getProperty("user.home"), ".cache", "cadenza", "helm").toString());
    Path helm = Path.of(dir, VERSION, "helm");
    if (!Files.isExecutable(helm)) {
      throw new IllegalStateException(
          "No helm at " + helm + ": run hack/helm.sh first (the operator's build does)");
    }
    return helm;
  }

  /** The --kube-version flag for the test API server. */
  public static String kubeVersion() {
    return "--kube-version=v" + KubeApi.VERSION;
  }

  /** Runs helm with the arguments; returns its exit code and output. */
  public static Result run(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(binary().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    // no user configuration or repositories: helm's own directories go to a fresh temp dir
    Path home = Files.createTempDirectory("helm-home-");
    builder.environment().put("HELM_CONFIG_HOME", home.resolve("config").toString());
    builder.environment().put("HELM_CACHE_HOME", home.resolve("cache").toString());
    builder.environment().put("HELM_DATA_HOME", home.resolve("data").toString());
    builder.environment().remove("KUBECONFIG");
    Process process = builder.start();
    process.getOutputStream().close();
    CompletableFuture<String> out = read(process.getInputStream());
    CompletableFuture<String> err = read(process.getErrorStream());
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IllegalStateException("helm " + args[0] + " did not finish in 60 s");
    }
    return new Result(process.exitValue(), out.join(), err.join());
  }

  /** Runs helm and fails with its output unless it exits 0; returns its standard output. */
  public static String ok(String... args) throws IOException, InterruptedException {
    Result result = run(args);
    if (result.exitCode() != 0) {
      throw new AssertionError(
          "helm " + String.join(" ", args) + " exited " + result.exitCode() + ":\n" + result.all());
    }
    return result.stdout();
  }

  /**
   * {@code helm template} of the chart (CRDs included) for a release in a namespace, with extra
   * arguments such as {@code -f values.yaml} or {@code --set k=v}.
   */
  public static String template(String release, String namespace, String... extra)
      throws IOException, InterruptedException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "template",
                release,
                CHART.toString(),
                "--namespace",
                namespace,
                "--include-crds",
                kubeVersion()));
    args.addAll(List.of(extra));
    return ok(args.toArray(String[]::new));
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buffer = new ByteArrayOutputStream();
            in.transferTo(buffer);
            return buffer.toString(StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }
}
