package dev.cadenza.operator.testsupport;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for a stream pod's management server at an address of its own (127.0.0.1, 127.0.0.2, …
 * are all loopback): answers {@code GET /actuator/info} with the JSON the test sets, as the stream
 * service does on its management port (docs/api.md), or with an error status.
 */
public final class PodInfoStub implements AutoCloseable {

  private final HttpServer server;
  private final AtomicReference<String> info = new AtomicReference<>("{}");
  private final AtomicInteger status = new AtomicInteger(200);

  private PodInfoStub(HttpServer server) {
    this.server = server;
  }

  /** A stub on {@code address}:{@code port}. */
  public static PodInfoStub start(String address, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 0);
    PodInfoStub stub = new PodInfoStub(server);
    server.createContext(
        "/actuator/info",
        exchange -> {
          byte[] body = stub.info.get().getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(stub.status.get(), body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    return stub;
  }

  /** Answers 200 with this JSON from now on. */
  public void answer(String json) {
    info.set(json);
    status.set(200);
  }

  /** Answers this error status from now on. */
  public void fail(int httpStatus) {
    status.set(httpStatus);
  }

  /** What the stream service answers: its clock and its catalogue. */
  public static String info(double offsetMs, int tracks, long generation) {
    return "{\"clock\":{\"source\":\"ntp\",\"synchronised\":true,\"offsetMs\":"
        + offsetMs
        + ",\"rootDistanceMs\":1.2,\"stratum\":3},\"catalogue\":{\"tracks\":"
        + tracks
        + ",\"mode\":\"shared-follower\",\"generation\":"
        + generation
        + "}}";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
