package dev.cadenza.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A loopback HTTP proxy in front of a DynamoDB endpoint (dynalite) that injects the faults a real
 * DynamoDB shows besides being down, switchable while it runs:
 *
 * <ul>
 *   <li>{@link #latency}: every answer is held back by a fixed time plus a random jitter;
 *   <li>{@link #throttle}: a fraction of requests is answered {@code 400} with DynamoDB's {@code
 *       ProvisionedThroughputExceededException} or {@code ThrottlingException}, as DynamoDB answers
 *       (JSON body, {@code x-amz-crc32}), without reaching the server;
 *   <li>{@link #reset}: a fraction of requests has its connection reset (SO_LINGER 0), half of them
 *       in the request, before any answer (never forwarded), half halfway through the answer
 *       (forwarded: a write lands, its answer is lost);
 *   <li>{@link #freeze}: requests are taken and not answered until {@link #thaw}.
 * </ul>
 *
 * <p>It speaks the DynamoDB JSON protocol only as far as it must: HTTP/1.1 requests with a {@code
 * Content-Length}, answers with a {@code Content-Length} or chunked. Every request is counted once,
 * by operation ({@code X-Amz-Target}), table (the first {@code TableName} or {@code RequestItems}
 * key of its body) and what the proxy did with it ({@link Outcome}); {@link #tally} takes a
 * snapshot, and two snapshots subtract. One thread per connection: for tests, not load.
 */
public final class DynamoDbFaultProxy implements AutoCloseable {

  /** What the proxy did with one request. */
  public enum Outcome {
    /** Forwarded and answered by the server (after any added latency). */
    FORWARDED,
    /** Answered with a throttling error; the server never saw it. */
    THROTTLED,
    /** Connection reset once the request came in, before any answer; the server never saw it. */
    RESET_IN_REQUEST,
    /** Forwarded, then the connection reset halfway through the answer. */
    RESET_IN_RESPONSE,
    /** Arrived while frozen: held until thawed (then forwarded, whoever still waits). */
    FROZEN
  }

  /** The throttling errors DynamoDB answers with. */
  public enum Throttling {
    /** A table or index beyond its provisioned (or on-demand) throughput. */
    PROVISIONED_THROUGHPUT_EXCEEDED(
        "ProvisionedThroughputExceededException",
        "The level of configured provisioned throughput for the table was exceeded."
            + " Consider increasing your provisioning level with the UpdateTable API."),
    /** The account or the control plane beyond its request rate. */
    THROTTLING("ThrottlingException", "Rate of requests exceeds the allowed throughput.");

    private final String type;
    private final String message;

    Throttling(String type, String message) {
      this.type = type;
      this.message = message;
    }

    /** The JSON body DynamoDB answers with. */
    String body() {
      return "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
          + type
          + "\",\"message\":\""
          + message
          + "\"}";
    }
  }

  /** One counted request: its operation, its table ("" when none) and what the proxy did. */
  public record Request(String operation, String table, Outcome outcome) {}

  /** Counts of requests up to a moment; {@link #minus} gives what happened between two. */
  public record Tally(Map<Request, Long> counts) {

    /** Requests that match. */
    public long count(Predicate<Request> which) {
      return counts.entrySet().stream()
          .filter(e -> which.test(e.getKey()))
          .mapToLong(Map.Entry::getValue)
          .sum();
    }

    /** Requests of these operations ({@code GetItem}, ...) on tables whose name ends so. */
    public long count(String tableSuffix, Set<String> operations) {
      return count(r -> r.table().endsWith(tableSuffix) && operations.contains(r.operation()));
    }

    /** All requests. */
    public long total() {
      return count(r -> true);
    }

    /** What happened since {@code before}. */
    public Tally minus(Tally before) {
      Map<Request, Long> since = new HashMap<>();
      counts.forEach(
          (k, v) -> {
            long d = v - before.counts.getOrDefault(k, 0L);
            if (d != 0) {
              since.put(k, d);
            }
          });
      return new Tally(Map.copyOf(since));
    }

    /** One line per operation, table and outcome, sorted: for failure messages. */
    @Override
    public String toString() {
      Map<String, Long> lines = new TreeMap<>();
      counts.forEach((r, n) -> lines.put(r.operation() + " " + r.table() + " " + r.outcome(), n));
      return lines.toString();
    }
  }

  private static final Pattern TABLE =
      Pattern.compile("\"(?:TableName|RequestItems)\"\\s*:\\s*\\{?\\s*\"([^\"]+)\"");

  private final String targetHost;
  private final int targetPort;
  private final ServerSocket server;
  private final Random random;
  private final Map<Request, LongAdder> counts = new ConcurrentHashMap<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connections = new AtomicInteger();
  private final Object thawed = new Object();

  // the faults in force, each read once per request
  private volatile long latencyMillis;
  private volatile long jitterMillis;
  private volatile double throttled;
  private volatile Throttling[] throttling = Throttling.values();
  private volatile double reset;
  private volatile boolean frozen;

  private DynamoDbFaultProxy(URI target, long seed) throws IOException {
    this.targetHost = target.getHost();
    this.targetPort = target.getPort();
    this.random = new Random(seed);
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "dynamodb-fault-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A proxy on a free loopback port forwarding to {@code target} (http://host:port), no faults. */
  public static DynamoDbFaultProxy start(URI target) {
    return start(target, 17);
  }

  /** As {@link #start(URI)}, with the seed of the dice that pick which requests fail. */
  public static DynamoDbFaultProxy start(URI target, long seed) {
    try {
      return new DynamoDbFaultProxy(target, seed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The endpoint to give the client: {@code http://127.0.0.1:<port>}. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** Holds every answer back {@code fixed} plus a uniformly random part of {@code jitter}. */
  public void latency(Duration fixed, Duration jitter) {
    latencyMillis = fixed.toMillis();
    jitterMillis = jitter.toMillis();
  }

  /**
   * Answers {@code fraction} of the requests with a throttling error, chosen at random among {@code
   * errors} (both kinds when none is given).
   */
  public void throttle(double fraction, Throttling... errors) {
    throttling = errors.length == 0 ? Throttling.values() : errors.clone();
    throttled = fraction;
  }

  /** Resets the connection of {@code fraction} of the requests, in the request or the answer. */
  public void reset(double fraction) {
    reset = fraction;
  }

  /** Takes requests from now on without answering them, until {@link #thaw} or {@link #heal}. */
  public void freeze() {
    frozen = true;
  }

  /** Ends a {@link #freeze}: held requests go on to the server. */
  public void thaw() {
    frozen = false;
    synchronized (thawed) {
      thawed.notifyAll();
    }
  }

  /** No faults any more: every request is forwarded at once. */
  public void heal() {
    latencyMillis = 0;
    jitterMillis = 0;
    throttled = 0;
    reset = 0;
    thaw();
  }

  /** Connections accepted so far. */
  public int connections() {
    return connections.get();
  }

  /** The counts so far. */
  public Tally tally() {
    Map<Request, Long> snapshot = new ConcurrentHashMap<>();
    counts.forEach((k, v) -> snapshot.put(k, v.sum()));
    return new Tally(Map.copyOf(snapshot));
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(DynamoDbFaultProxy::reset);
    heal();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        int number = connections.getAndIncrement();
        Thread t = new Thread(() -> serve(client), "dynamodb-fault-proxy-" + number);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  /** Serves one client connection: its requests in turn, over one connection to the server. */
  private void serve(Socket client) {
    open.add(client);
    Socket upstream = null;
    try {
      client.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(client.getInputStream());
      OutputStream out = client.getOutputStream();
      InputStream fromServer = null;
      while (true) {
        Head head = Head.read(in);
        if (head == null) {
          return; // the client closed the connection between requests
        }
        byte[] body = in.readNBytes(head.contentLength());
        if (body.length < head.contentLength()) {
          return;
        }
        Outcome outcome = roll();
        count(head, table(body), outcome);
        if (outcome == Outcome.RESET_IN_REQUEST) {
          reset(client);
          return;
        }
        if (outcome == Outcome.FROZEN) {
          awaitThaw();
        }
        delay();
        if (outcome == Outcome.THROTTLED) {
          Throttling[] kinds = throttling;
          out.write(throttlingAnswer(kinds[random.nextInt(kinds.length)]));
          out.flush();
          continue;
        }
        if (upstream == null) {
          upstream = new Socket(targetHost, targetPort);
          upstream.setTcpNoDelay(true);
          open.add(upstream);
          fromServer = new BufferedInputStream(upstream.getInputStream());
        }
        OutputStream toServer = upstream.getOutputStream();
        toServer.write(head.bytes());
        toServer.write(body);
        toServer.flush();
        Answer answer = Answer.read(fromServer);
        if (outcome == Outcome.RESET_IN_RESPONSE) {
          out.write(answer.head());
          out.write(answer.body(), 0, answer.body().length / 2);
          out.flush();
          reset(client);
          return;
        }
        out.write(answer.head());
        out.write(answer.body());
        out.flush();
        if (answer.closes()) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      // either side went away: take the other down too
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(client);
      open.remove(client);
      if (upstream != null) {
        closeQuietly(upstream);
        open.remove(upstream);
      }
    }
  }

  /** What to do with the next request, by the faults in force and the dice. */
  private Outcome roll() {
    if (frozen) {
      return Outcome.FROZEN;
    }
    double throttle = throttled;
    double dice = random.nextDouble();
    if (dice < throttle) {
      return Outcome.THROTTLED;
    }
    if (dice < throttle + reset) {
      return random.nextBoolean() ? Outcome.RESET_IN_REQUEST : Outcome.RESET_IN_RESPONSE;
    }
    return Outcome.FORWARDED;
  }

  private void count(Head head, String table, Outcome outcome) {
    counts
        .computeIfAbsent(new Request(head.operation(), table, outcome), k -> new LongAdder())
        .increment();
  }

  private void awaitThaw() throws InterruptedException {
    synchronized (thawed) {
      while (frozen && !server.isClosed()) {
        thawed.wait(100);
      }
    }
  }

  private void delay() throws InterruptedException {
    long millis = latencyMillis;
    long jitter = jitterMillis;
    if (jitter > 0) {
      millis += (long) (random.nextDouble() * jitter);
    }
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  private static String table(byte[] body) {
    Matcher m = TABLE.matcher(new String(body, StandardCharsets.UTF_8));
    return m.find() ? m.group(1) : "";
  }

  /** A 400 with DynamoDB's error body, headers and checksum. */
  private static byte[] throttlingAnswer(Throttling error) {
    byte[] body = error.body().getBytes(StandardCharsets.UTF_8);
    CRC32 crc = new CRC32();
    crc.update(body);
    String head =
        "HTTP/1.1 400 Bad Request\r\n"
            + "x-amzn-RequestId: "
            + UUID.randomUUID()
            + "\r\nx-amz-crc32: "
            + crc.getValue()
            + "\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: "
            + body.length
            + "\r\n\r\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
    out.writeBytes(body);
    return out.toByteArray();
  }

  /** Closes with a TCP reset rather than a FIN, as a dropped connection reaches the client. */
  private static void reset(Socket s) {
    try {
      s.setSoLinger(true, 0);
    } catch (IOException e) {
      // closed already
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }

  /** A request line and headers, as received. */
  private record Head(byte[] bytes, String operation, int contentLength) {

    /** The next request's head, or {@code null} when the connection closed before one. */
    static Head read(InputStream in) throws IOException {
      byte[] bytes = readHead(in);
      if (bytes == null) {
        return null;
      }
      Map<String, String> headers = headers(bytes);
      String target = headers.getOrDefault("x-amz-target", "");
      String operation = target.substring(target.indexOf('.') + 1);
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0").trim());
      return new Head(bytes, operation, length);
    }
  }

  /** An answer of the server, whole. */
  private record Answer(byte[] head, byte[] body, boolean closes) {

    static Answer read(InputStream in) throws IOException {
      byte[] head = readHead(in);
      if (head == null) {
        throw new EOFException("the server closed the connection");
      }
      Map<String, String> headers = headers(head);
      boolean closes = headers.getOrDefault("connection", "").equalsIgnoreCase("close");
      if (headers
          .getOrDefault("transfer-encoding", "")
          .toLowerCase(Locale.ROOT)
          .contains("chunked")) {
        return new Answer(head, chunked(in), closes);
      }
      String length = headers.get("content-length");
      if (length == null) {
        return new Answer(head, in.readAllBytes(), true);
      }
      int n = Integer.parseInt(length.trim());
      byte[] body = in.readNBytes(n);
      if (body.length < n) {
        throw new EOFException("the server closed the connection within an answer");
      }
      return new Answer(head, body, closes);
    }

    /** A chunked body as it came (sizes, chunks and trailer), to be passed on unchanged. */
    private static byte[] chunked(InputStream in) throws IOException {
      ByteArrayOutputStream raw = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = line(in);
        raw.writeBytes((sizeLine + "\r\n").getBytes(StandardCharsets.US_ASCII));
        int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
        if (size == 0) {
          for (String trailer = line(in); ; trailer = line(in)) {
            raw.writeBytes((trailer + "\r\n").getBytes(StandardCharsets.US_ASCII));
            if (trailer.isEmpty()) {
              return raw.toByteArray();
            }
          }
        }
        raw.writeBytes(in.readNBytes(size + 2));
      }
    }
  }

  /** Bytes up to and including the blank line after the headers; null on a clean close first. */
  private static byte[] readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        if (head.size() == 0) {
          return null;
        }
        throw new EOFException("connection closed within a message head");
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toByteArray();
  }

  private static Map<String, String> headers(byte[] head) {
    Map<String, String> headers = new ConcurrentHashMap<>();
    String[] lines = new String(head, StandardCharsets.ISO_8859_1).split("\r\n");
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        headers.put(
            lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
            lines[i].substring(colon + 1).trim());
      }
    }
    return headers;
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new EOFException("connection closed within a chunked answer");
      }
      if (b != '\r') {
        line.write(b);
      }
    }
    return line.toString(StandardCharsets.US_ASCII);
  }
}
