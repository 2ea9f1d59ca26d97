package dev.cadenza.stream.client;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import java.util.function.IntToLongFunction;

/**
 * A loopback TCP proxy in front of the service that cuts connections: connection number {@code i}
 * (from 0) forwards at most {@code cutAfter.applyAsLong(i)} bytes of the service's answer, then
 * closes both sides, as a flaky network or a restarted pod does. It records the head of every
 * request it forwards, so tests can check what the client asked for.
 */
final class DroppingProxy implements AutoCloseable {

  /** For {@link #DroppingProxy}: never cut. */
  static final long NEVER = Long.MAX_VALUE;

  private final int targetPort;
  private final IntToLongFunction cutAfter;
  private final ServerSocket server;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<String> requestHeads = new CopyOnWriteArrayList<>();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private volatile IntConsumer beforeConnect = i -> {};

  DroppingProxy(int targetPort, IntToLongFunction cutAfter) throws IOException {
    this.targetPort = targetPort;
    this.cutAfter = cutAfter;
    this.server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread acceptor = new Thread(this::accept, "dropping-proxy");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far. */
  int connections() {
    return connections.get();
  }

  /** The request line and headers of each request forwarded, in order. */
  List<String> requestHeads() {
    return requestHeads;
  }

  /** Runs {@code hook} with the connection's number before it is connected to the service. */
  void beforeConnect(IntConsumer hook) {
    this.beforeConnect = hook;
  }

  /** Cuts every open connection now. */
  void dropAll() {
    open.forEach(DroppingProxy::closeQuietly);
  }

  @Override
  public void close() {
    closeQuietly(server);
    dropAll();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        int number = connections.getAndIncrement();
        Thread t = new Thread(() -> serve(client, number), "dropping-proxy-" + number);
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void serve(Socket client, int number) {
    open.add(client);
    try {
      beforeConnect.accept(number);
      Socket service = new Socket(InetAddress.getLoopbackAddress(), targetPort);
      open.add(service);
      Thread upstream =
          new Thread(() -> pump(client, service, NEVER, true), "dropping-proxy-" + number + "-up");
      upstream.setDaemon(true);
      upstream.start();
      pump(service, client, cutAfter.applyAsLong(number), false);
    } catch (IOException | RuntimeException e) {
      closeQuietly(client);
    }
  }

  /** Copies {@code from} to {@code to} until either closes or {@code limit} bytes have passed. */
  private void pump(Socket from, Socket to, long limit, boolean recordRequests) {
    byte[] buffer = new byte[16 * 1024];
    StringBuilder head = new StringBuilder();
    long forwarded = 0;
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      int n;
      while (forwarded < limit && (n = in.read(buffer)) >= 0) {
        int allowed = (int) Math.min(n, limit - forwarded);
        if (recordRequests) {
          record(head, new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
        }
        out.write(buffer, 0, allowed);
        out.flush();
        forwarded += allowed;
      }
    } catch (IOException e) {
      // one side went away: take the other down too
    } finally {
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  /** Collects request heads (bodies of the requests here are small JSON or none at all). */
  private void record(StringBuilder pending, String text) {
    pending.append(text);
    int end;
    while ((end = pending.indexOf("\r\n\r\n")) >= 0) {
      String head = pending.substring(0, end);
      if (head.matches("(?s)^[A-Z]+ \\S+ HTTP/1\\.1.*")) {
        requestHeads.add(head);
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
