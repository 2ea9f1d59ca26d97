package dev.cadenza.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A dynalite server (an open-source DynamoDB implementation on Node.js) on a free loopback port,
 * for tests. The first use installs {@code dynalite@4} with npm into {@code
 * ${CADENZA_DYNALITE_DIR:-~/.cache/cadenza/dynalite}} (as hack/dynalite.sh does) unless it is
 * there.
 *
 * <p>The data lives in a temporary LevelDB folder, so {@link #restart()} (after {@link #stop()},
 * for outage tests) keeps the tables; {@link #close()} removes it. {@link #freeze()} stops the
 * process (SIGSTOP) for the other outage, a DynamoDB that takes requests and never answers. Tables
 * spend {@value #CREATE_TABLE_MS} ms in CREATING, UPDATING and DELETING.
 *
 * <p>Not implemented by dynalite: UpdateTimeToLive (UnknownOperationException; DescribeTimeToLive
 * always says DISABLED), transactions, item expiry; CreateTable's Tags are ignored (TagResource
 * works).
 */
public final class Dynalite implements AutoCloseable {

  /** The npm package installed. */
  public static final String PACKAGE = "dynalite@4";

  /** Time dynalite keeps a table in CREATING (and UPDATING, DELETING). */
  public static final int CREATE_TABLE_MS = 500;

  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  /**
   * Loaded ahead of dynalite: dynalite 4 throws from a request's error handler, so a client that
   * drops a request halfway (an SDK call cancelled or interrupted mid-send, as when a process
   * stops) kills the whole server, and every later call gets "connection refused". A server does
   * not die of one client; the script (dynalite-preload.js beside this class, also loaded by
   * hack/local-stack.sh and bench/) logs the dropped request and goes on, and still exits on
   * anything else.
   */
  static final String SURVIVE_DROPPED_REQUESTS = resource("dynalite-preload.js");

  private final Path cli;
  private final Path data;
  private final Path preload;
  private final String host;
  private final int port;
  private final StringBuffer log = new StringBuffer();
  private volatile Process process;

  private Dynalite(Path cli, Path data, String host, int port) throws IOException {
    this.cli = cli;
    this.data = data;
    this.preload = Files.createTempFile("dynalite-preload-", ".js");
    Files.writeString(preload, SURVIVE_DROPPED_REQUESTS);
    this.host = host;
    this.port = port;
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Process p = process;
                  if (p != null) {
                    p.destroyForcibly();
                  }
                },
                "dynalite-" + port + "-stop"));
  }

  /** Installs dynalite if needed and starts it on a free loopback port. */
  public static Dynalite start() {
    return start(InetAddress.getLoopbackAddress());
  }

  /**
   * Installs dynalite if needed and starts it on a free port of {@code address}: another address
   * than loopback is for clients elsewhere, e.g. pods reaching a node address.
   */
  public static Dynalite start(InetAddress address) {
    Path cli = install();
    try {
      Dynalite d =
          new Dynalite(
              cli,
              Files.createTempDirectory("dynalite-"),
              address.getHostAddress(),
              freePort(address));
      d.launch();
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint, {@code http://<address>:<port>}. */
  public URI endpoint() {
    return URI.create("http://" + host + ":" + port);
  }

  /**
   * Makes the AWS SDK's default credential chain (as the operator uses it) find keys; dynalite
   * accepts any.
   */
  public static void useAsDefaultCredentials() {
    System.setProperty("aws.accessKeyId", "test");
    System.setProperty("aws.secretAccessKey", "test");
  }

  /**
   * A synchronous client of this server (region us-east-1, any key: dynalite accepts them all), for
   * tests to look at or change the tables directly. Close it after use.
   */
  public DynamoDbClient client() {
    return DynamoDbClient.builder()
        .endpointOverride(endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  /** The names of all tables, read with a short-lived client. */
  public List<String> tableNames() {
    try (DynamoDbClient client = client()) {
      return client.listTables().tableNames();
    }
  }

  /** Whether the server process is running. */
  public synchronized boolean running() {
    return process != null && process.isAlive();
  }

  /** Stops the server (the port then refuses connections); the data stays for {@link #restart}. */
  public synchronized void stop() {
    if (process == null) {
      return;
    }
    thaw(); // a stopped process would only take SIGTERM once continued
    Processes.stop(process);
    process = null;
  }

  /**
   * Stops the server process where it is (SIGSTOP): connections are still accepted by the kernel
   * and requests still sent, but nothing answers, as a frozen DynamoDB or a network that
   * black-holes it behaves. {@link #thaw()} continues it.
   */
  public synchronized void freeze() {
    signal("STOP");
  }

  /** Continues a {@link #freeze frozen} server (SIGCONT); nothing happens to a running one. */
  public synchronized void thaw() {
    signal("CONT");
  }

  private void signal(String name) {
    if (process == null) {
      return;
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + name, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
        throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while signalling dynalite", e);
    }
  }

  /** Stops the server if it runs and starts it again on the same port with the same data. */
  public synchronized void restart() {
    stop();
    launch();
  }

  /** Stops the server and removes its data. */
  @Override
  public synchronized void close() {
    stop();
    try {
      Files.deleteIfExists(preload);
    } catch (IOException e) {
      // a temporary file left behind is harmless
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  /** What the server printed, for failure messages. */
  public String log() {
    return log.toString();
  }

  private synchronized void launch() {
    ProcessBuilder pb =
        new ProcessBuilder(
                "node",
                "--require",
                preload.toString(),
                cli.toString(),
                "--host",
                host,
                "--port",
                String.valueOf(port),
                "--path",
                data.toString(),
                "--createTableMs",
                String.valueOf(CREATE_TABLE_MS),
                "--deleteTableMs",
                String.valueOf(CREATE_TABLE_MS),
                "--updateTableMs",
                String.valueOf(CREATE_TABLE_MS))
            .redirectErrorStream(true);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot run node (apt-get install nodejs npm)", e);
    }
    CountDownLatch listening = new CountDownLatch(1); // or the process ended
    AtomicBoolean up = new AtomicBoolean();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  log.append(line).append('\n');
                  if (line.contains("listening at")) {
                    up.set(true);
                    listening.countDown();
                  }
                }
              } catch (IOException e) {
                // the process ended
              } finally {
                listening.countDown();
              }
            },
            "dynalite-" + port);
    reader.setDaemon(true);
    reader.start();
    process = p;
    try {
      if (!listening.await(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || !up.get()) {
        p.destroyForcibly();
        process = null;
        throw new IllegalStateException(
            "dynalite did not listen on port " + port + " within " + START_TIMEOUT + ":\n" + log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IllegalStateException("interrupted while starting dynalite", e);
    }
  }

  private static String resource(String name) {
    try (var in = Dynalite.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is missing beside " + Dynalite.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Installs dynalite into the cache folder unless it is there; returns its cli.js. */
  public static synchronized Path install() {
    Path dir =
        Path.of(
            System.getenv()
                .getOrDefault(
                    "CADENZA_DYNALITE_DIR",
                    Path.of(System.getProperty("user.home"), ".cache", "cadenza", "dynalite")
                        .toString()));
    Path cli = dir.resolve("node_modules/dynalite/cli.js");
    if (Files.isRegularFile(cli)) {
      return cli;
    }
    try {
      Files.createDirectories(dir);
      // one install at a time, also across JVMs (parallel builds)
      try (FileChannel lockFile =
          FileChannel.open(
              dir.resolve(".install.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lockFile.lock(); // released when the channel closes
        if (Files.isRegularFile(cli)) {
          return cli;
        }
        List<String> command =
            List.of(
                "npm",
                "install",
                "--prefix",
                dir.toString(),
                "--no-audit",
                "--no-fund",
                "--loglevel=error",
                PACKAGE);
        Path output = dir.resolve(".install.log");
        Process npm =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        boolean exited = npm.waitFor(INSTALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (!exited) {
          npm.destroyForcibly();
        }
        String out = Files.readString(output);
        if (!exited) {
          throw new IllegalStateException("npm install " + PACKAGE + " timed out:\n" + out);
        }
        if (npm.exitValue() != 0 || !Files.isRegularFile(cli)) {
          throw new IllegalStateException(
              String.join(" ", command) + " failed (" + npm.exitValue() + "):\n" + out);
        }
        return cli;
      }
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot install " + PACKAGE + " into " + dir + " (needs node and npm)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while installing " + PACKAGE, e);
    }
  }

  private static int freePort(InetAddress address) throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, address)) {
      return s.getLocalPort();
    }
  }
}
