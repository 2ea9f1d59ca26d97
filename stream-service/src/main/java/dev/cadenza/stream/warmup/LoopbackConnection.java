package dev.cadenza.stream.warmup;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection of the warm-up to the service's own API port, blocking on a
 * thread of its own. Plain sockets rather than an HTTP client on Netty: the server's code is what
 * should be compiled and profiled, not a client's that shares its classes (a client's decoders
 * would make the server's call sites polymorphic). Reads every response whole and checks its status
 * and length.
 */
final class LoopbackConnection implements Closeable {

  private static final int MAX_HEAD_LINE = 8 << 10;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String host;
  private final String authorization;
  private final byte[] scratch = new byte[64 << 10];
  private boolean open = true;

  /**
   * Connects to {@code target} within {@code timeoutMillis}, which also bounds each read; every
   * request carries {@code authorization} (the {@code Authorization} header's value).
   */
  LoopbackConnection(InetSocketAddress target, String authorization, int timeoutMillis)
      throws IOException {
    this.socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.connect(target, timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      this.in = new BufferedInputStream(socket.getInputStream(), 16 << 10);
      this.out = socket.getOutputStream();
    } catch (IOException e) {
      socket.close();
      throw e;
    }
    String address = target.getAddress().getHostAddress();
    this.host = (address.contains(":") ? "[" + address + "]" : address) + ":" + target.getPort();
    this.authorization = authorization;
  }

  /** Whether the server left the connection open for another request. */
  boolean open() {
    return open;
  }

  /**
   * Sends {@code request}, reads its response whole; whether it had the status and length the
   * request expects. A false answer leaves the connection closed.
   */
  boolean exchange(WarmUpRequests.Request request) throws IOException {
    StringBuilder head =
        new StringBuilder(160)
            .append("GET ")
            .append(request.target())
            .append(" HTTP/1.1\r\nHost: ")
            .append(host)
            .append("\r\nAuthorization: ")
            .append(authorization)
            .append("\r\n");
    if (request.range() != null) {
      head.append("Range: ").append(request.range()).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();

    int status = status(line());
    long length = -1;
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
        open = false;
      }
    }
    if (length < 0) {
      open = false; // no length, no way to find the next response
    } else {
      skip(length);
    }
    boolean expected = status == request.status() && length == request.length();
    if (!expected || !open) {
      close();
    }
    return expected;
  }

  private static int status(String line) throws IOException {
    // HTTP/1.1 200 OK
    if (line.length() < 12 || !line.startsWith("HTTP/1.")) {
      throw new IOException("Not an HTTP response: " + line);
    }
    try {
      return Integer.parseInt(line.substring(9, 12));
    } catch (NumberFormatException e) {
      throw new IOException("Not an HTTP status line: " + line, e);
    }
  }

  /** One head line without its CRLF. */
  private String line() throws IOException {
    StringBuilder line = new StringBuilder(64);
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("The connection ended inside a response head");
      }
      if (line.length() >= MAX_HEAD_LINE) {
        throw new IOException("A response head line is longer than " + MAX_HEAD_LINE);
      }
      if (b != '\r') {
        line.append((char) b);
      }
    }
    return line.toString();
  }

  private void skip(long length) throws IOException {
    long left = length;
    while (left > 0) {
      int n = in.read(scratch, 0, (int) Math.min(scratch.length, left));
      if (n < 0) {
        throw new IOException("The connection ended " + left + " bytes before the body's end");
      }
      left -= n;
    }
  }

  @Override
  public void close() throws IOException {
    open = false;
    socket.close();
  }
}
