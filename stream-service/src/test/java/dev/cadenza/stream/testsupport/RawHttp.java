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
 * HTTP/1.1 over a plain socket, for requests no well-behaved client would send (raw {@code ..}, bad
 * escapes) and for reading a body slowly.
 */
public final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  public int status;
  public final Map<String, String> headers = new LinkedHashMap<>();

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  /**
   * Sends {@code requestLineAndHeaders} (without the final blank line) and reads the status line
   * and headers.
   */
  public static RawHttp send(int port, String requestLineAndHeaders, int receiveBuffer)
      throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.setSoTimeout(10_000);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    OutputStream out = s.getOutputStream();
    out.write(
        (requestLineAndHeaders + "\r\nHost: localhost\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    out.flush();
    RawHttp http = new RawHttp(s);
    http.readHead();
    return http;
  }

  /**
   * Sends {@code request} exactly as given (request line, headers, blank line, any body: nothing is
   * added) and reads the status line and headers of the answer.
   */
  public static RawHttp sendVerbatim(int port, String request) throws IOException {
    Socket s = new Socket();
    s.setSoTimeout(10_000);
    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    OutputStream out = s.getOutputStream();
    out.write(request.getBytes(StandardCharsets.UTF_8));
    out.flush();
    RawHttp http = new RawHttp(s);
    http.readHead();
    return http;
  }

  /** The rest of the body, as text. */
  public String text() throws IOException {
    return new String(body(), StandardCharsets.UTF_8);
  }

  public static RawHttp get(int port, String target) throws IOException {
    return send(port, "GET " + target + " HTTP/1.1", 0);
  }

  private void readHead() throws IOException {
    String statusLine = line();
    status = Integer.parseInt(statusLine.split(" ")[1]);
    for (String l = line(); !l.isEmpty(); l = line()) {
      int colon = l.indexOf(':');
      headers.put(l.substring(0, colon).toLowerCase(Locale.ROOT), l.substring(colon + 1).strip());
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1 && c != '\n') {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  public long contentLength() {
    return Long.parseLong(headers.getOrDefault("content-length", "-1"));
  }

  /** Reads up to {@code max} body bytes; fewer when the connection ends first. */
  public byte[] read(long max) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[16 * 1024];
    while (b.size() < max) {
      int n;
      try {
        n = in.read(buf, 0, (int) Math.min(buf.length, max - b.size()));
      } catch (SocketException e) {
        break; // reset by the server: the body ends here
      }
      if (n < 0) {
        break;
      }
      b.write(buf, 0, n);
    }
    return b.toByteArray();
  }

  /** The rest of the body as declared by Content-Length (or up to the end of the connection). */
  public byte[] body() throws IOException {
    long length = contentLength();
    return read(length < 0 ? Long.MAX_VALUE : length);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
