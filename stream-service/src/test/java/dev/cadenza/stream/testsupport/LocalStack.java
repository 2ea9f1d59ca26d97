package dev.cadenza.stream.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.testsupport.Ports;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;
import java.util.stream.Stream;

/**
 * {@code hack/local-stack.sh} driven from a test, every part a real process: dynalite, chronyd, two
 * instances of the packaged jar sharing the DynamoDB tables, and nginx in front. All its ports are
 * free ones picked here; everything it writes goes under {@code work} (the stack's own files in
 * {@link #dir()}, the script's output in {@code local-stack-<command>.log}).
 *
 * <pre>{@code
 * LocalStack.clean(WORK);  // a stack an interrupted run left behind is stopped, WORK emptied
 * stack = new LocalStack(WORK, library, Map.of("CADENZA_SESSIONS_LEAD", "2s"));
 * stack.start();
 * ...
 * stack.close();           // in @AfterAll: stops whatever is still running
 * }</pre>
 */
public final class LocalStack implements AutoCloseable {

  static final Path SCRIPT = Path.of("../hack/local-stack.sh").toAbsolutePath().normalize();

  /** One stream-service process: its API port and its management (actuator) port. */
  public record Instance(int port, int managementPort) {

    /** {@code path} on this instance's API port, not through nginx. */
    public URI uri(String path) {
      return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public String toString() {
      return "instance 127.0.0.1:" + port;
    }
  }

  private final Path work;
  private final Path dir;
  private final int port;
  private final List<Instance> instances;
  private final Map<String, String> env = new LinkedHashMap<>();

  /**
   * A stack of two instances serving {@code library}, not started yet. {@code settings} are extra
   * environment variables for every process (the instances read {@code CADENZA_*} as settings). The
   * instances start without the embedding model (nothing in these tests needs {@code /similar}),
   * and with the client compiler only: less CPU to start two JVMs on a small machine.
   */
  public LocalStack(Path work, Path library, Map<String, String> settings) {
    this.work = work.toAbsolutePath();
    this.dir = this.work.resolve("stack");
    this.port = Ports.free();
    this.instances = List.of(instance(), instance());
    env.put("STACK_DIR", dir.toString());
    env.put("STACK_PORT", Integer.toString(port));
    env.put("STACK_INSTANCE_PORTS", join(Instance::port));
    env.put("STACK_MANAGEMENT_PORTS", join(Instance::managementPort));
    env.put("STACK_DYNAMODB_PORT", Integer.toString(Ports.free()));
    env.put("STACK_NTP_PORT", Integer.toString(Ports.freeUdp()));
    env.put("CADENZA_LIBRARY_PATH", library.toAbsolutePath().toString());
    env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
    env.put("CADENZA_METADATA_EMBEDDINGS", "false");
    // the tests count requests and file reads: the warm-up before readiness would add its own
    env.put("CADENZA_WARM_UP_MAX_DURATION", "0");
    env.put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1");
    env.putAll(settings);
  }

  private static Instance instance() {
    return new Instance(Ports.free(), Ports.free());
  }

  private String join(ToIntFunction<Instance> port) {
    return String.join(
        " ", instances.stream().map(i -> Integer.toString(port.applyAsInt(i))).toList());
  }

  /**
   * Stops a stack that an interrupted run left in {@code work}, then empties {@code work}: every
   * run starts from an empty DynamoDB and library.
   */
  public static void clean(Path work) throws Exception {
    work = work.toAbsolutePath();
    Path dir = work.resolve("stack");
    if (Files.exists(dir)) {
      run(work, Map.of("STACK_DIR", dir.toString()), "stop", 60);
    }
    deleteRecursively(work);
    Files.createDirectories(work);
  }

  /** Starts the stack, bounded by {@code seconds}; needs the packaged jar. */
  public void start(int seconds) throws Exception {
    assertThat(Path.of("target/cadenza-stream-service.jar")).as("run after package").exists();
    run(work, env, "start", seconds);
  }

  /** Stops every process of the stack still running; those already gone are skipped. */
  @Override
  public void close() throws Exception {
    run(work, env, "stop", 60);
  }

  /** nginx's port. */
  public int port() {
    return port;
  }

  /** {@code path} through nginx. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  public List<Instance> instances() {
    return instances;
  }

  public Instance instance(int index) {
    return instances.get(index);
  }

  /** The instance listening on {@code port}. */
  public Instance instanceOn(int port) {
    return instances.stream().filter(i -> i.port() == port).findFirst().orElseThrow();
  }

  /** The stack's own files: pids, logs ({@code stream-<port>.log}), {@code nginx/}. */
  public Path dir() {
    return dir;
  }

  /** The pid of an instance's java process, as hack/local-stack.sh recorded it. */
  public long pid(Instance instance) throws IOException {
    return Long.parseLong(
        Files.readString(dir.resolve("stream-" + instance.port() + ".pid")).trim());
  }

  /** Sends {@code signal} ({@code STOP}, {@code CONT}...) to an instance's process. */
  public void signal(Instance instance, String signal) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid(instance))).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).as("kill -%s", signal).isZero();
  }

  /**
   * Kills an instance's process (SIGKILL: no shutdown hook, no lease released, no stream closed)
   * and waits until it is gone.
   */
  public void kill(Instance instance) throws Exception {
    ProcessHandle process = ProcessHandle.of(pid(instance)).orElseThrow();
    assertThat(process.destroyForcibly()).isTrue();
    process.onExit().get(10, TimeUnit.SECONDS);
  }

  /** What an instance's {@code /actuator/prometheus} says now, read on its management port. */
  public PrometheusText metrics(Instance instance) {
    URI uri = URI.create("http://127.0.0.1:" + instance.managementPort() + "/actuator/prometheus");
    try {
      HttpResponse<String> r =
          TestHttp.CLIENT.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("GET %s", uri).isEqualTo(200);
      return PrometheusText.parse(r.body());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + uri, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("GET " + uri, e);
    }
  }

  /** Runs hack/local-stack.sh {@code command}, bounded; its output goes to {@code work}. */
  private static void run(Path work, Map<String, String> env, String command, int seconds)
      throws Exception {
    Files.createDirectories(work);
    Path log = work.resolve("local-stack-" + command + ".log");
    ProcessBuilder pb =
        new ProcessBuilder("bash", SCRIPT.toString(), command)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      throw new AssertionError("local-stack.sh " + command + " took over " + seconds + " s");
    }
    assertThat(p.exitValue()).as("local-stack.sh %s: %s", command, Files.readString(log)).isZero();
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    List<Path> all;
    try (Stream<Path> walk = Files.walk(dir)) {
      all = new ArrayList<>(walk.sorted(Comparator.reverseOrder()).toList());
    }
    for (Path p : all) {
      Files.delete(p);
    }
  }
}
