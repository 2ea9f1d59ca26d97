package dev.cadenza.e2e;

import dev.cadenza.testsupport.Dynalite;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The one-node Kubernetes of {@code hack/node.sh}, started once for every end-to-end test, with
 * dynalite listening on the node's address (pods reach it there, and nothing off the host). {@link
 * #close()} stops both; a JVM shutdown hook stops the node too if the test JVM ends another way.
 */
final class Node implements AutoCloseable {

  /** The node's and the API server's address (hack/node.sh's NODE_IP), which pods can reach. */
  static final String ADDRESS = "10.99.0.1";

  private static final Duration START = Duration.ofMinutes(5);
  private static final Duration STOP = Duration.ofMinutes(2);
  private static final Duration KUBECTL = Duration.ofMinutes(4);

  final Path repo;
  final Path dir;
  final Path kubeconfig;
  final KubernetesClient kube;
  final Dynalite dynalite;
  private final Path kubectl;
  private final Path helm;
  private final Map<String, String> images;
  private final Thread stopOnExit;
  private boolean stopped;

  private Node(
      Path repo,
      Path dir,
      Path kubeconfig,
      Path kubectl,
      Path helm,
      Map<String, String> images,
      Dynalite dynalite,
      Thread stopOnExit) {
    this.repo = repo;
    this.dir = dir;
    this.kubeconfig = kubeconfig;
    this.kubectl = kubectl;
    this.helm = helm;
    this.images = images;
    this.dynalite = dynalite;
    this.stopOnExit = stopOnExit;
    this.kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(kubeconfig.toFile()))
            .build();
  }

  /** Starts the node ({@code hack/node.sh start}) and dynalite on its address. */
  static Node start(Path repo, Path dir) {
    long t0 = System.nanoTime();
    Thread stopOnExit = new Thread(() -> stop(repo), "e2e-node-stop");
    Runtime.getRuntime().addShutdownHook(stopOnExit);
    Dynalite dynalite = null;
    try {
      createDirectories(dir);
      Path kubectl = Path.of(script(repo, "hack/k8s-test-binaries.sh")).resolve("kubectl");
      Path helm = Path.of(script(repo, "hack/helm.sh"));
      Map<String, String> images = images(Path.of(script(repo, "hack/images.sh")));
      Path kubeconfig =
          Path.of(
              Command.run(START, null, List.of(repo + "/hack/node.sh", "start")).ok().lastLine());
      dynalite = Dynalite.start(address());
      System.out.printf(
          "[e2e] node Ready and dynalite on %s in %.0f s%n",
          dynalite.endpoint(), (System.nanoTime() - t0) / 1e9);
      return new Node(repo, dir, kubeconfig, kubectl, helm, images, dynalite, stopOnExit);
    } catch (RuntimeException | Error e) {
      if (dynalite != null) {
        dynalite.close();
      }
      stop(repo);
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
      throw e;
    }
  }

  private static void createDirectories(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code kubectl --kubeconfig ... ARGS}, which must succeed. */
  Command kubectl(String... args) {
    return kubectlWithInput(null, args);
  }

  /** {@code kubectl ARGS} with {@code stdin} on its standard input (e.g. {@code apply -f -}). */
  Command kubectlWithInput(String stdin, String... args) {
    return tryKubectl(stdin, args).ok();
  }

  /** {@code kubectl ARGS}, whatever its exit code. */
  Command tryKubectl(String stdin, String... args) {
    List<String> command =
        new ArrayList<>(List.of(kubectl.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return Command.run(KUBECTL, stdin, command);
  }

  /** {@code helm --kubeconfig ... ARGS}, which must succeed. */
  Command helm(String... args) {
    List<String> command =
        new ArrayList<>(List.of(helm.toString(), "--kubeconfig", kubeconfig.toString()));
    command.addAll(List.of(args));
    return Command.run(KUBECTL, null, command).ok();
  }

  /** The reference of an image of hack/images.sh (operator, stream-service, client, nginx). */
  String image(String name) {
    String ref = images.get(name);
    if (ref == null) {
      throw new IllegalStateException("hack/images.sh built no " + name + " image: " + images);
    }
    return ref;
  }

  /**
   * What a failed test leaves for its reader: pods, MusicDeliveries, events and the operator's log
   * in full under {@link #dir}, and a short summary on stdout.
   */
  void diagnose(String test) {
    StringBuilder full = new StringBuilder();
    for (List<String> args :
        List.of(
            List.of("get", "nodes,pods,deployments,services,pvc,jobs,md", "-A", "-o", "wide"),
            List.of("get", "md", "-A", "-o", "yaml"),
            List.of("describe", "pods", "-A"),
            List.of("get", "events", "-A", "--sort-by=.lastTimestamp"),
            List.of(
                "logs",
                "-n",
                PlatformIT.OPERATOR_NS,
                "-l",
                "app.kubernetes.io/instance=cadenza",
                "--tail=-1"),
            List.of(
                "logs",
                "-n",
                PlatformIT.MUSIC,
                "-l",
                "app.kubernetes.io/name=cadenza-stream",
                "--tail=200",
                "--prefix"))) {
      Command c = tryKubectl(null, args.toArray(String[]::new));
      full.append("$ kubectl ")
          .append(String.join(" ", args))
          .append('\n')
          .append(c.out())
          .append(c.err())
          .append('\n');
    }
    Path file = dir.resolve("diagnostics-" + test.replaceAll("[^A-Za-z0-9]+", "-") + ".txt");
    try {
      Files.writeString(file, full);
    } catch (IOException e) {
      System.out.println("[e2e] cannot write " + file + ": " + e);
    }
    Command pods = tryKubectl(null, "get", "pods,md", "-A", "-o", "wide");
    Command events = tryKubectl(null, "get", "events", "-A", "--sort-by=.lastTimestamp");
    Command operator =
        tryKubectl(
            null,
            "logs",
            "-n",
            PlatformIT.OPERATOR_NS,
            "-l",
            "app.kubernetes.io/instance=cadenza",
            "--tail=30");
    System.out.printf(
        "[e2e] %s failed; everything in %s%n%s%n--- last events%n%s%n--- operator log%n%s%n",
        test, file, pods.out(), tail(events.out(), 20), operator.out());
  }

  @Override
  public synchronized void close() {
    if (stopped) {
      return;
    }
    stopped = true;
    kube.close();
    dynalite.close();
    stop(repo);
    try {
      Runtime.getRuntime().removeShutdownHook(stopOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs (or ran) anyway
    }
  }

  private static void stop(Path repo) {
    long t0 = System.nanoTime();
    Command stop = Command.run(STOP, null, List.of(repo + "/hack/node.sh", "stop"));
    System.out.printf(
        "[e2e] hack/node.sh stop: %s in %.0f s%n",
        stop.exit() == 0 ? "stopped" : "exit " + stop.exit() + "\n" + stop.err(),
        (System.nanoTime() - t0) / 1e9);
  }

  /** Runs one of the idempotent hack scripts; answers its last line (its result). */
  private static String script(Path repo, String script) {
    return Command.run(START, null, List.of(repo.resolve(script).toString())).ok().lastLine();
  }

  /** images.list: NAME REFERENCE ARCHIVE per line. */
  private static Map<String, String> images(Path list) {
    Map<String, String> images = new HashMap<>();
    for (String line : read(list).lines().toList()) {
      String[] fields = line.split(" ");
      if (fields.length == 3) {
        images.put(fields[0], fields[1]);
      }
    }
    return images;
  }

  private static InetAddress address() {
    try {
      return InetAddress.getByName(ADDRESS);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }
}
