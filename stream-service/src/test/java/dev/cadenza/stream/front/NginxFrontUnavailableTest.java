package dev.cadenza.stream.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cadenza.testsupport.Ports;
import dev.cadenza.testsupport.Processes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nginx from nginx-ingress/nginx.conf.template in front of two stand-ins for stream instances
 * that answer 503, as an instance does when a dependency every instance shares cannot be reached
 * (DynamoDB: sessions, users and API keys; {@code cadenza.dynamodb.timeout}). The 503 reaches the
 * player as it is, once, and the instance stays in rotation. When the front retried on 503 it also
 * counted each as a failed instance ({@code max_fails=1}): in {@code bench/soak.sh} a slow DynamoDB
 * took both instances out for {@code fail_timeout}, and every request, streams included, got 502
 * "no live upstreams".
 */
class NginxFrontUnavailableTest {

  @TempDir Path dir;
  final List<Upstream> upstreams = List.of(new Upstream("a"), new Upstream("b"));
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  Process nginx;
  int port;

  /** Answers 503 (a problem, as the service's) under /unavailable/, else 200 with its name. */
  static final class Upstream {
    final String name;
    final AtomicInteger unavailable = new AtomicInteger();
    final HttpServer server;

    Upstream(String name) {
      this.name = name;
      try {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      server.createContext(
          "/",
          exchange -> {
            byte[] body;
            int status;
            if (exchange.getRequestURI().getPath().startsWith("/unavailable/")) {
              unavailable.incrementAndGet();
              status = 503;
              body =
                  "{\"type\":\"https://cadenza.dev/problems/sessions-unavailable\",\"status\":503}"
                      .getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "application/problem+json");
              exchange.getResponseHeaders().set("Retry-After", "1");
            } else {
              status = 200;
              body = name.getBytes(StandardCharsets.UTF_8);
            }
            exchange.sendResponseHeaders(status, body.length);
            try (var out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
    }

    int port() {
      return server.getAddress().getPort();
    }
  }

  @AfterEach
  void stop() {
    if (nginx != null) {
      Processes.stop(nginx);
    }
    upstreams.forEach(u -> u.server.stop(0));
  }

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  int unavailableAnswers() {
    return upstreams.stream().mapToInt(u -> u.unavailable.get()).sum();
  }

  @Test
  void a503FromAnInstanceReachesThePlayerOnceAndLeavesTheInstanceInRotation() throws Exception {
    port = Ports.free();
    nginx = NginxFrontTest.startNginx(dir, port, upstreams.get(0).port(), upstreams.get(1).port());
    // a path the front hashes to each instance (the hash is of the URI alone)
    Map<String, String> pathTo = new LinkedHashMap<>();
    for (int i = 0; pathTo.size() < 2 && i < 200; i++) {
      pathTo.putIfAbsent(get("/probe/" + i).body(), "/probe/" + i);
    }
    assertThat(pathTo).containsOnlyKeys("a", "b");

    for (int i = 0; i < 10; i++) {
      int before = unavailableAnswers();
      HttpResponse<String> r = get("/unavailable/" + i);
      assertThat(r.statusCode()).isEqualTo(503);
      assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(unavailableAnswers() - before)
          .as("instances asked for /unavailable/%d: the other one shares the dependency", i)
          .isEqualTo(1);
      // within fail_timeout (2 s) of that 503: each instance still gets what hashes to it
      for (Map.Entry<String, String> e : pathTo.entrySet()) {
        assertThat(get(e.getValue()).body()).as("after /unavailable/%d", i).isEqualTo(e.getKey());
      }
    }
  }
}
