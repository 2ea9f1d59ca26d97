package dev.cadenza.stream.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.RawClient;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.Ports;
import dev.cadenza.testsupport.Processes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real nginx, rendered from nginx-ingress/nginx.conf.template as hack/local-stack.sh renders it, in
 * front of two in-process stream service instances sharing one DynamoDB (dynalite): a track always
 * reaches the same instance, ranges and validators pass through untouched, and the instances'
 * management ports (actuator) are never reachable through it. Losing an instance (its process
 * killed or frozen) mid-stream is {@link LocalStackFailoverIT}'s, on real processes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@ExtendWith(DynaliteExtension.class)
class NginxFrontTest {

  static final int TRACKS = 20;
  static final Path TEMPLATE = Path.of("../nginx-ingress/nginx.conf.template");

  @TempDir static Path dir;
  static Dynalite dynalite;
  static TestApp a;
  static TestApp b;
  static Process nginx;
  static int port;
  static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  /** Track id to its file, in the order of the catalog. */
  static final Map<String, Path> tracks = new LinkedHashMap<>();

  /** Track id to the instance nginx sends it to (set by the first test). */
  static final Map<String, TestApp> owner = new LinkedHashMap<>();

  @BeforeAll
  static void start(Dynalite server) throws Exception {
    Path library = Files.createDirectories(dir.resolve("library"));
    for (int i = 0; i < TRACKS; i++) {
      // more than the 64 KiB the routing test reads of each
      int size = 200_000 + ThreadLocalRandom.current().nextInt(200_000);
      TestAudio.wav(library.resolve(String.format("track-%02d.wav", i)), size, i + 1);
    }
    dynalite = server;
    String prefix = "front" + ThreadLocalRandom.current().nextInt(1_000_000);
    // TestApp adds --cadenza.library.rescan-interval=0 (a second one would bind as "0,0")
    a = TestApp.startSharing(library, dynalite, prefix);
    b = TestApp.startSharing(library, dynalite, prefix);
    for (Track t : a.app().getBean(Library.class).catalog().tracks()) {
      tracks.put(t.id(), t.file());
    }
    assertThat(tracks).hasSize(TRACKS);

    port = Ports.free();
    nginx = startNginx(Files.createDirectories(dir.resolve("nginx")), port, a.port(), b.port());
  }

  /** The template with the substitutions of render_nginx in hack/local-stack.sh, rate limit off. */
  static String render(Path prefix, String listen, int... upstreams) throws IOException {
    String servers =
        Arrays.stream(upstreams)
            .mapToObj(p -> "    server 127.0.0.1:" + p + " max_fails=1 fail_timeout=2s;")
            .collect(Collectors.joining("\n"));
    return Files.readString(TEMPLATE)
        .replace("@@PREFIX@@", prefix.toString())
        .replace("@@LISTEN@@", listen)
        .replace("@@RATE_LIMIT@@", "1000000")
        .replace("@@UPSTREAM_SERVERS@@", servers)
        .replace("@@LIMIT_REQ@@", "");
  }

  /**
   * nginx from the rendered template in prefix, listening on 127.0.0.1:port in front of the
   * upstream ports; returns once it answers {@code /api/v1/time} through them.
   */
  static Process startNginx(Path prefix, int port, int... upstreams) throws Exception {
    String binary =
        Files.isExecutable(Path.of("/usr/sbin/nginx"))
            ? "/usr/sbin/nginx"
            : "nginx"; // hack/nginx.sh
    Path conf = prefix.resolve("nginx.conf");
    Files.writeString(conf, render(prefix, "127.0.0.1:" + port, upstreams));
    Process p =
        new ProcessBuilder(
                binary,
                "-c",
                conf.toString(),
                "-p",
                prefix + "/",
                "-e",
                prefix.resolve("error.log").toString())
            .redirectErrorStream(true)
            .redirectOutput(prefix.resolve("nginx.out").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () -> {
                assertThat(p.isAlive())
                    .as("nginx exited: %s", Files.readString(prefix.resolve("nginx.out")))
                    .isTrue();
                // the instances are ready (TestApp waits for their first scan): nginx is when it
                // answers for them; the clock exchange is cheap and needs no credentials
                return get(uri(port, "/api/v1/time")).statusCode() == 200;
              });
    } catch (RuntimeException | AssertionError e) {
      Processes.stop(p);
      throw e;
    }
    return p;
  }

  @AfterAll
  static void stopAll() {
    if (nginx != null) {
      Processes.stop(nginx);
    }
    for (TestApp app : new TestApp[] {b, a}) {
      if (app != null) {
        app.app().close();
      }
    }
  }

  static URI uri(String path) {
    return uri(port, path);
  }

  static URI uri(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path);
  }

  static String stream(String trackId) {
    return "/api/v1/tracks/" + trackId + "/stream";
  }

  static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
    return send("GET", uri, headers);
  }

  static HttpResponse<byte[]> send(String method, URI uri, String... headers) throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (headers.length > 0) {
      r.headers(headers);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Stream requests an instance has finished, whatever their method and status. */
  static long served(TestApp app) {
    return app.app().getBean(MeterRegistry.class).find("cadenza.stream.requests").timers().stream()
        .mapToLong(Timer::count)
        .sum();
  }

  @Test
  @Order(1)
  void theSameTrackAlwaysReachesTheSameInstance() throws Exception {
    for (Map.Entry<String, Path> track : tracks.entrySet()) {
      long beforeA = served(a);
      long beforeB = served(b);
      for (int i = 0; i < 5; i++) {
        // nginx hashes the URI alone: the first 64 KiB go where the whole track would
        HttpResponse<byte[]> r = get(uri(stream(track.getKey())), "Range", "bytes=0-65535");
        assertThat(r.statusCode()).isEqualTo(206);
        assertThat(r.body()).hasSize(65536);
      }
      // an instance counts a request once its last byte is written: wait for all five
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> served(a) - beforeA + served(b) - beforeB == 5);
      long onA = served(a) - beforeA;
      long onB = served(b) - beforeB;
      assertThat(List.of(onA, onB)).as(track.getKey()).containsExactlyInAnyOrder(5L, 0L);
      owner.put(track.getKey(), onA == 5 ? a : b);
    }
    assertThat(owner.values()).contains(a, b);
  }

  @Test
  @Order(2)
  void rangesAndValidatorsPassThroughNginxUnchanged() throws Exception {
    String id = tracks.keySet().iterator().next();
    byte[] file = Files.readAllBytes(tracks.get(id));
    int size = file.length;
    String etag = get(uri(stream(id))).headers().firstValue("ETag").orElseThrow();

    HttpResponse<byte[]> range = same("GET", id, "Range", "bytes=1000-1999");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 1000-1999/" + size);
    assertThat(range.body()).isEqualTo(Arrays.copyOfRange(file, 1000, 2000));

    HttpResponse<byte[]> suffix = same("GET", id, "Range", "bytes=-500");
    assertThat(suffix.statusCode()).isEqualTo(206);
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(file, size - 500, size));

    HttpResponse<byte[]> notModified = same("GET", id, "If-None-Match", etag);
    assertThat(notModified.statusCode()).isEqualTo(304);
    assertThat(notModified.body()).isEmpty();

    HttpResponse<byte[]> current = same("GET", id, "Range", "bytes=0-99", "If-Range", etag);
    assertThat(current.statusCode()).isEqualTo(206);
    assertThat(current.body()).isEqualTo(Arrays.copyOfRange(file, 0, 100));

    HttpResponse<byte[]> stale = same("GET", id, "Range", "bytes=0-99", "If-Range", "\"stale\"");
    assertThat(stale.statusCode()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo(file);

    HttpResponse<byte[]> multi = same("GET", id, "Range", "bytes=0-9,100-109");
    assertThat(multi.statusCode()).isEqualTo(206);
    assertThat(multi.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("multipart/byteranges; boundary=");
    String parts = new String(multi.body(), StandardCharsets.ISO_8859_1);
    assertThat(parts)
        .contains("Content-Range: bytes 0-9/" + size, "Content-Range: bytes 100-109/" + size);

    HttpResponse<byte[]> head = same("HEAD", id);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).hasValue(Integer.toString(size));
    assertThat(head.body()).isEmpty();
  }

  @Test
  @Order(3)
  void theFrontRoutesOnlyTheApiPortsAndTheActuatorIsNotFoundThroughIt() throws Exception {
    String conf = Files.readString(dir.resolve("nginx/nginx.conf"));
    assertThat(conf)
        .contains("server 127.0.0.1:" + a.port() + " ", "server 127.0.0.1:" + b.port() + " ")
        .doesNotContain(":" + a.managementPort(), ":" + b.managementPort());
    assertThat(conf.split("proxy_pass ", -1))
        .as("one proxy_pass, to the upstream of the instances' API ports")
        .hasSize(2);
    assertThat(conf).contains("proxy_pass http://cadenza;");
    for (String path :
        List.of(
            "/actuator",
            "/actuator/prometheus",
            "/actuator/health/readiness",
            "/actuator/info",
            "/actuator/metrics")) {
      HttpResponse<byte[]> through = get(uri(path));
      assertThat(through.statusCode()).as(path).isEqualTo(404);
      assertThat(through.headers().firstValue("Content-Type").orElseThrow())
          .as(path)
          .startsWith("application/problem+json");
    }
    // on each instance's own management port, not through the front
    for (TestApp app : List.of(a, b)) {
      assertThat(get(uri(app.managementPort(), "/actuator/prometheus")).statusCode())
          .isEqualTo(200);
    }
  }

  /**
   * A client that sends a request's head and its body in two writes (Python's http.client does, for
   * one) and gets an answer the instance gives without reading the body (415, 405, 404): the front
   * must keep the connection for the client's next request. With {@code proxy_request_buffering
   * off} nginx passed the head on at once, the instance answered, and nginx, still owing the body,
   * sent the answer with {@code Connection: keep-alive} and then closed the connection: the
   * client's next request, a POST it may not resend, was lost (bench/soak.sh saw 4 in 30 minutes,
   * this test every time).
   */
  @Test
  @Order(4)
  void aBodyAnsweredBeforeItIsReadLeavesTheConnectionOpen() throws Exception {
    String id = tracks.keySet().iterator().next();
    List<String[]> early =
        List.of(
            new String[] {"POST", "/api/v1/sessions", "text/plain", "415"},
            new String[] {"POST", stream(id), "application/json", "405"},
            new String[] {"POST", "/api/v1/no-such-route", "application/json", "404"});
    try (RawClient client = RawClient.connect("127.0.0.1", port)) {
      for (int round = 0; round < 3; round++) {
        for (String[] r : early) {
          String body = "{\"name\":\"kitchen\"}";
          client.send(
              r[0]
                  + " "
                  + r[1]
                  + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                  + r[2]
                  + "\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n");
          Thread.sleep(50); // the head reaches the instance on its own
          client.send(body);
          RawClient.Response answer = client.response();
          assertThat(answer.status()).as("%s %s", r[0], r[1]).isEqualTo(Integer.parseInt(r[3]));
          assertThat(answer.header("Connection")).as("%s %s", r[0], r[1]).isNotEqualTo("close");
          // the same connection carries the next request
          client.get("/api/v1/time", "");
          assertThat(client.response().status()).as("after %s %s", r[0], r[1]).isEqualTo(200);
        }
      }
    }
  }

  /**
   * Sends the request through nginx and straight to the instance that owns the track, asserts that
   * status and the range and validator headers are the same, and answers nginx's response.
   */
  static HttpResponse<byte[]> same(String method, String id, String... headers) throws Exception {
    HttpResponse<byte[]> through = send(method, uri(stream(id)), headers);
    HttpResponse<byte[]> direct = send(method, uri(owner.get(id).port(), stream(id)), headers);
    assertThat(through.statusCode()).isEqualTo(direct.statusCode());
    for (String name : List.of("Content-Range", "ETag", "Accept-Ranges", "Content-Length")) {
      assertThat(through.headers().firstValue(name))
          .as("%s %s", method, name)
          .isEqualTo(direct.headers().firstValue(name));
    }
    return through;
  }
}
