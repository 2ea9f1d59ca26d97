package dev.cadenza.stream.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 connection over a plain socket from a chosen loopback address (Linux routes all of
 * 127.0.0.0/8 to the loopback interface), so that one test plays several clients and a proxy. Every
 * read gives up after 30 s.
 */
public final class RawClient implements AutoCloseable {

  /** One response head, and its body when it has a Content-Length. */
  public record Response(int status, Map<String, String> headers, String body) {
    public String header(String name) {
      return headers.get(name.toLowerCase(Locale.ROOT));
    }
  }

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Connects from {@code from} to the service on loopback {@code port}. */
  public static RawClient connect(String from, int port) throws IOException {
    return connect(from, port, 0);
  }

  /** The same with a receive buffer of {@code receiveBuffer} bytes (0: the system's). */
  public static RawClient connect(String from, int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer); // before connecting: it sets the TCP window
    }
    s.setSoTimeout(30_000);
    s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    return new RawClient(s);
  }

  public void send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** Sends a GET of {@code target} with {@code headers} (each ending in CRLF), keeping alive. */
  public void get(String target, String headers) throws IOException {
    send("GET " + target + " HTTP/1.1\r\nHost: localhost\r\n" + headers + "\r\n");
  }

  /** Reads a status line and headers, and the body when the response says how long it is. */
  public Response response() throws IOException {
    Response head = head();
    String length = head.header("content-length");
    if (length == null) {
      return head;
    }
    byte[] body = in.readNBytes(Integer.parseInt(length));
    return new Response(head.status(), head.headers(), new String(body, StandardCharsets.UTF_8));
  }

  /** Reads a status line and headers only (an event stream, a body to be read slowly). */
  public Response head() throws IOException {
    String statusLine = line();
    if (statusLine == null) {
      throw new IOException("the connection ended before a response");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (String l = line(); l != null && !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
    }
    return new Response(Integer.parseInt(statusLine.split(" ")[1]), headers, "");
  }

  public byte[] read(int n) throws IOException {
    return in.readNBytes(n);
  }

  /**
   * Whether the service has closed the connection: the next read finds its end, or a reset (the
   * service closed with bytes of ours unread). False when a byte arrives instead.
   */
  public boolean closedByService() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketException reset) {
      return true;
    }
  }

  /** Everything the service sends until it closes the connection (or resets it). */
  public String rest() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) > 0; ) {
        b.write(buffer, 0, n);
      }
    } catch (SocketException reset) {
      // the end as well
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return c == -1 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
