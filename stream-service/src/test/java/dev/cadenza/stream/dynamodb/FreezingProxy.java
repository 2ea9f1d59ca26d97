package dev.cadenza.stream.dynamodb;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback TCP proxy in front of a DynamoDB endpoint (dynalite) that can freeze: while frozen it
 * still accepts connections and reads requests, but forwards nothing either way, as a DynamoDB
 * whose process is stopped (SIGSTOP) behaves: connections open, requests go out, no answer comes.
 * It records the operation of every request clients send through it ({@code X-Amz-Target}), so a
 * test can tell which calls (SDK attempts included) reached DynamoDB, and that a circuit breaker
 * kept later ones away.
 */
public final class FreezingProxy implements AutoCloseable {

  /** Every DynamoDB call is a POST to the root path, its operation in this header. */
  private static final String REQUEST_LINE = "POST / HTTP/1.1\r\n";

  private static final Pattern TARGET =
      Pattern.compile("(?im)^x-amz-target:\\s*DynamoDB_\\d+\\.(\\w+)\\s*$");

  private final int targetPort;
  private final ServerSocket server;
  private final List<String> operations = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile boolean frozen;

  /** A proxy to {@code target}, an {@code http://127.0.0.1:<port>} endpoint. */
  public FreezingProxy(URI target) throws IOException {
    this.targetPort = target.getPort();
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "freezing-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** The endpoint to give clients instead of the target's. */
  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  /** HTTP requests clients have sent through the proxy so far, frozen or not. */
  public int requests() {
    return operations.size();
  }

  /** The operation ({@code GetItem}, {@code BatchGetItem}...) of each request so far, in order. */
  public List<String> operations() {
    return List.copyOf(operations);
  }

  /** From now on nothing is forwarded, either way; connections and requests are still taken. */
  public void freeze() {
    frozen = true;
  }

  /**
   * Forwards again. The connections that saw the freeze are cut (their requests were swallowed
   * halfway); new ones work.
   */
  public void thaw() {
    frozen = false;
    open.forEach(FreezingProxy::closeQuietly);
  }

  @Override
  public void close() {
    closeQuietly(server);
    open.forEach(FreezingProxy::closeQuietly);
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> serve(client), "freezing-proxy-connection");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client) {
    open.add(client);
    try {
      Socket target = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      open.add(target);
      Thread up = new Thread(() -> pump(client, target, true), "freezing-proxy-up");
      up.setDaemon(true);
      up.start();
      pump(target, client, false);
    } catch (IOException e) {
      closeQuietly(client);
    }
  }

  /** Copies {@code from} to {@code to} while not frozen (swallowing what comes while frozen). */
  private void pump(Socket from, Socket to, boolean recordRequests) {
    byte[] buffer = new byte[16 * 1024];
    StringBuilder pending = new StringBuilder();
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while ((n = in.read(buffer)) >= 0) {
        if (recordRequests) {
          record(pending, new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        if (!frozen) {
          out.write(buffer, 0, n);
          out.flush();
        }
      }
    } catch (IOException e) {
      // one side went away: take the other down too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      open.remove(from);
      open.remove(to);
    }
  }

  /** Finds the request heads in what a client sent (the bodies, JSON, hold no blank line). */
  private void record(StringBuilder pending, String text) {
    pending.append(text);
    int end;
    while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
      String segment = pending.substring(0, end);
      int head = segment.indexOf(REQUEST_LINE);
      if (head >= 0) {
        Matcher m = TARGET.matcher(segment.substring(head));
        operations.add(m.find() ? m.group(1) : "?");
      }
      pending.delete(0, end + 4);
    }
  }

  private static void closeQuietly(Closeable c) {
    try {
      c.close();
    } catch (IOException ignored) {
      // already closed
    }
  }
}
