package dev.cadenza.stream.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.cache.ChunkSource;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.RawHttp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The streaming endpoint over real HTTP: every answer is checked byte for byte against the file.
 * Run as it is with the defaults (a local library without L2: originals from the page cache, L1
 * holding none of them), and by subclasses with originals through L1 in 256 KiB chunks and in 4 KiB
 * chunks (every range spans chunk boundaries), and with the cache off.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    // 200 readers at once from one address: beyond the per-client connection cap (64), which
    // ConnectionLimitsTest covers; the connections they leave idle would hold it for every test
    properties = "cadenza.server.max-connections-per-client=0")
class StreamEndpointTest {

  static final Path ROOT;
  static final Path LIBRARY;
  static final String SECRET = "cadenza-secret-outside-the-library";

  static {
    try {
      ROOT = Files.createTempDirectory("cadenza-stream-test-");
      LIBRARY = Files.createDirectories(ROOT.resolve("library"));
      Files.writeString(ROOT.resolve("secret.txt"), SECRET);
      Files.writeString(ROOT.resolve("secret.mp3"), SECRET);
      TestAudio.copyDemo(LIBRARY);
      TestAudio.wav(LIBRARY.resolve("Big/large.wav"), 6 * 1024 * 1024, 1);
      TestAudio.wav(LIBRARY.resolve("Big/seek.wav"), 1024 * 1024, 3);
      TestAudio.wav(LIBRARY.resolve("Ünïcødé dir/Sång — 01 (live) & more.wav"), 300_000, 2);
      Files.write(LIBRARY.resolve("broken.mp3"), new byte[] {1, 2, 3, 4, 5});
      Files.writeString(LIBRARY.resolve("notes.txt"), "not audio");
      Files.createSymbolicLink(LIBRARY.resolve("escape.mp3"), ROOT.resolve("secret.mp3"));
      // subclasses run the same matrix under other cache settings on the same files
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      FileSystemUtils.deleteRecursively(ROOT);
                    } catch (IOException ignored) {
                      // temporary files
                    }
                  }));
    } catch (IOException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) {
    registry.add("cadenza.library.path", LIBRARY::toString);
    registry.add("cadenza.library.rescan-interval", () -> "0");
  }

  @Value("${local.server.port}")
  int port;

  @Autowired ChunkCache cache;
  @Autowired Library library;

  /** Probes and metrics: the actuator's own port. */
  @Value("${local.management.port}")
  int managementPort;

  final HttpClient http =
      HttpClient.newBuilder()
          // HTTP/1.1 as players speak it: the default h2c upgrade attempt stalled a request for 30
          // s
          // now and then on this loaded machine, on the cached and the zero-copy path alike
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  final ObjectMapper json = new ObjectMapper();

  @BeforeEach
  void awaitReadiness() {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> management("/actuator/health/readiness").statusCode() == 200);
  }

  // ---- helpers

  HttpResponse<byte[]> get(String path, Map<String, String> headers) throws Exception {
    return send("GET", path, headers);
  }

  HttpResponse<byte[]> send(String method, String path, Map<String, String> headers)
      throws Exception {
    return send(port, method, path, headers);
  }

  /** GETs {@code path} of the actuator, on the management port. */
  HttpResponse<byte[]> management(String path) throws Exception {
    return send(managementPort, "GET", path, Map.of());
  }

  private HttpResponse<byte[]> send(
      int port, String method, String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /** Id and bytes of the track at a library path. */
  record Fixture(String id, byte[] bytes) {
    String stream() {
      return "/api/v1/tracks/" + id + "/stream";
    }
  }

  Fixture track(String relativePath) throws Exception {
    String q = URLEncoder.encode(relativePath, StandardCharsets.UTF_8);
    JsonNode page = json.readTree(get("/api/v1/tracks?limit=500&q=" + q, Map.of()).body());
    for (JsonNode t : page.get("items")) {
      if (t.get("path").asString().equals(relativePath)) {
        return new Fixture(
            t.get("id").asString(), Files.readAllBytes(LIBRARY.resolve(relativePath)));
      }
    }
    throw new AssertionError("not catalogued: " + relativePath);
  }

  static byte[] slice(byte[] all, long first, long last) {
    return Arrays.copyOfRange(all, (int) first, (int) last + 1);
  }

  static final String MP3 = "Aurora Lane/Dawn Sketches/01 First Light.mp3";
  static final String BIG = "Big/large.wav";

  // ---- the range matrix

  static Stream<Arguments> singleRanges() {
    return Stream.of(
        // header, first, last (-1 = size-1, -2 = size-2...), as computed against the size
        Arguments.of(MP3, "bytes=0-0", 0L, 0L),
        Arguments.of(MP3, "bytes=0-99", 0L, 99L),
        Arguments.of(MP3, "bytes=1000-", 1000L, -1L),
        Arguments.of(MP3, "bytes=-100", -100L, -1L),
        Arguments.of(MP3, "bytes=-99999999", 0L, -1L),
        Arguments.of(MP3, "bytes=100-99999999999", 100L, -1L),
        Arguments.of(MP3, "bytes=0-9,5-20", 0L, 20L),
        Arguments.of(MP3, "bytes=0-1,99999999-", 0L, 1L),
        Arguments.of(BIG, "bytes=0-", 0L, -1L),
        Arguments.of(BIG, "bytes=1048576-5242879", 1048576L, 5242879L),
        Arguments.of(BIG, "bytes=-70000", -70000L, -1L),
        Arguments.of(BIG, "bytes=65535-131072", 65535L, 131072L));
  }

  @Test
  void shortRangeMissingFromL1IsReadFromTheFileAndLeavesL1AsItWas() throws Exception {
    Fixture seek = track("Big/seek.wav"); // read by this test alone
    Track listed = library.track(seek.id()).orElseThrow();
    ChunkSource source = new ChunkSource.File(listed);
    long first = 600_000;
    long last = first + 64 * 1024 - 1;

    HttpResponse<byte[]> r = get(seek.stream(), Map.of("Range", "bytes=" + first + "-" + last));

    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(r.body()).isEqualTo(slice(seek.bytes(), first, last));
    // with the cache on and no L2, the file answered; the chunks were not loaded for it
    assertThat(cache.holds(source, first, last)).isFalse();
  }

  @Test
  void aWholeFileFillsL1OnlyWhenL1ServesOriginals() throws Exception {
    Fixture big = track(BIG);
    Track listed = library.track(big.id()).orElseThrow();

    HttpResponse<byte[]> r = get(big.stream(), Map.of());

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(big.bytes());
    ChunkSource source = new ChunkSource.File(listed);
    boolean anyHeld = false;
    for (long at = 0; at < big.bytes().length; at += cache.chunkSize()) {
      anyHeld |= cache.holds(source, at, at);
    }
    assertThat(anyHeld).as("any chunk of it in L1").isEqualTo(cache.originalsInL1());
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("singleRanges")
  void singleRangeIs206WithExactlyThoseBytes(String file, String range, long first, long last)
      throws Exception {
    Fixture t = track(file);
    long size = t.bytes().length;
    long from = first < 0 ? size + first : first;
    long to = last < 0 ? size + last : last;
    for (String method : List.of("GET", "HEAD")) {
      HttpResponse<byte[]> r = send(method, t.stream(), Map.of("Range", range));
      assertThat(r.statusCode()).isEqualTo(206);
      assertThat(r.headers().firstValue("Content-Range"))
          .hasValue("bytes " + from + "-" + to + "/" + size);
      assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(to - from + 1);
      assertThat(r.headers().firstValue("Accept-Ranges")).hasValue("bytes");
      assertThat(r.headers().firstValue("ETag")).isPresent();
      assertThat(r.headers().firstValue("Last-Modified")).isPresent();
      if (method.equals("GET")) {
        assertThat(r.body()).isEqualTo(slice(t.bytes(), from, to));
      } else {
        assertThat(r.body()).isEmpty();
      }
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        MP3,
        BIG,
        "Aurora Lane/Dawn Sketches/03 Café Nocturne — Été.opus",
        "Ünïcødé dir/Sång — 01 (live) & more.wav"
      })
  void fullGetIs200WithTheWholeFileAndHeadHasTheSameHeaders(String file) throws Exception {
    Fixture t = track(file);
    HttpResponse<byte[]> get = get(t.stream(), Map.of());
    HttpResponse<byte[]> head = send("HEAD", t.stream(), Map.of());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.body()).isEqualTo(t.bytes());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    for (String h : List.of("Content-Length", "Content-Type", "ETag", "Last-Modified")) {
      assertThat(head.headers().firstValue(h)).as(h).isEqualTo(get.headers().firstValue(h));
    }
    assertThat(get.headers().firstValueAsLong("Content-Length")).hasValue(t.bytes().length);
    assertThat(get.headers().firstValue("ETag").orElseThrow())
        .as("mtime, size, ctime, inode")
        .matches("\"[0-9a-f]+-[0-9a-f]+-[0-9a-f]+-[0-9a-f]+\"");
  }

  @Test
  void contentTypeFollowsTheFormat() throws Exception {
    Map<String, String> expected =
        Map.of(
            MP3,
            "audio/mpeg",
            "Aurora Lane/Dawn Sketches/02 Morning Fog.flac",
            "audio/flac",
            "Aurora Lane/Dawn Sketches/03 Café Nocturne — Été.opus",
            "audio/ogg",
            "Aurora Lane/Tides/01 Low Water.ogg",
            "audio/ogg",
            "Aurora Lane/Tides/02 Spring Tide.m4a",
            "audio/mp4",
            BIG,
            "audio/wav");
    for (var e : expected.entrySet()) {
      HttpResponse<byte[]> r = send("HEAD", track(e.getKey()).stream(), Map.of());
      assertThat(r.headers().firstValue("Content-Type")).as(e.getKey()).hasValue(e.getValue());
    }
  }

  @Test
  void severalRangesAre206MultipartByterangesInRequestOrder() throws Exception {
    Fixture t = track(BIG);
    long size = t.bytes().length;
    HttpResponse<byte[]> r = get(t.stream(), Map.of("Range", "bytes=5000000-5100000,0-9,-5"));
    assertThat(r.statusCode()).isEqualTo(206);
    String type = r.headers().firstValue("Content-Type").orElseThrow();
    assertThat(type).startsWith("multipart/byteranges; boundary=");
    assertThat(r.headers().firstValueAsLong("Content-Length")).hasValue(r.body().length);
    List<Part> parts = Multipart.parse(r.body(), type.substring(type.indexOf('=') + 1));
    assertThat(parts).hasSize(3);
    long[][] expected = {{5000000, 5100000}, {0, 9}, {size - 5, size - 1}};
    for (int i = 0; i < 3; i++) {
      Part p = parts.get(i);
      assertThat(p.headers())
          .containsEntry("content-type", "audio/wav")
          .containsEntry(
              "content-range", "bytes " + expected[i][0] + "-" + expected[i][1] + "/" + size);
      assertThat(p.body()).isEqualTo(slice(t.bytes(), expected[i][0], expected[i][1]));
    }
    HttpResponse<byte[]> head = send("HEAD", t.stream(), Map.of("Range", "bytes=0-9,20-29"));
    assertThat(head.statusCode()).isEqualTo(206);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Type").orElseThrow())
        .startsWith("multipart/byteranges");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=999999999-", "bytes=-0", "bytes=999999999-999999999999"})
  void unsatisfiableRangeIs416WithTheSize(String range) throws Exception {
    Fixture t = track(MP3);
    for (String method : List.of("GET", "HEAD")) {
      HttpResponse<byte[]> r = send(method, t.stream(), Map.of("Range", range));
      assertThat(r.statusCode()).isEqualTo(416);
      assertThat(r.headers().firstValue("Content-Range")).hasValue("bytes */" + t.bytes().length);
    }
    HttpResponse<byte[]> r = get(t.stream(), Map.of("Range", range));
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=abc", "items=0-10", "bytes=10-5", "bytes", "bytes=--1", "0-10"})
  void rangeThatIsNotValidBytesSyntaxIsIgnored(String range) throws Exception {
    Fixture t = track(MP3);
    HttpResponse<byte[]> r = get(t.stream(), Map.of("Range", range));
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(t.bytes());
  }

  // ---- validators and conditional requests

  @Test
  void ifRangeWithTheCurrentValidatorGivesTheRangeOtherwiseTheWholeFile() throws Exception {
    Fixture t = track(MP3);
    HttpResponse<byte[]> full = get(t.stream(), Map.of());
    String etag = full.headers().firstValue("ETag").orElseThrow();
    String date = full.headers().firstValue("Last-Modified").orElseThrow();

    for (String current : List.of(etag, date)) {
      HttpResponse<byte[]> r = get(t.stream(), Map.of("Range", "bytes=10-19", "If-Range", current));
      assertThat(r.statusCode()).as(current).isEqualTo(206);
      assertThat(r.body()).isEqualTo(slice(t.bytes(), 10, 19));
    }
    for (String stale :
        List.of("\"0-0\"", "W/" + etag, "Thu, 01 Jan 2015 00:00:00 GMT", "garbage")) {
      HttpResponse<byte[]> r = get(t.stream(), Map.of("Range", "bytes=10-19", "If-Range", stale));
      assertThat(r.statusCode()).as(stale).isEqualTo(200);
      assertThat(r.body()).isEqualTo(t.bytes());
    }
  }

  @Test
  void conditionalGetAnswers304WithoutABody() throws Exception {
    Fixture t = track(MP3);
    HttpResponse<byte[]> full = get(t.stream(), Map.of());
    String etag = full.headers().firstValue("ETag").orElseThrow();
    String date = full.headers().firstValue("Last-Modified").orElseThrow();

    for (var conditional :
        List.of(
            Map.of("If-None-Match", etag),
            Map.of("If-None-Match", "\"x\", " + etag),
            Map.of("If-Modified-Since", date))) {
      for (String method : List.of("GET", "HEAD")) {
        HttpResponse<byte[]> r = send(method, t.stream(), conditional);
        assertThat(r.statusCode()).as(conditional.toString()).isEqualTo(304);
        assertThat(r.body()).isEmpty();
        assertThat(r.headers().firstValue("ETag")).hasValue(etag);
      }
    }
    HttpResponse<byte[]> changed =
        get(t.stream(), Map.of("If-None-Match", "\"other\"", "If-Modified-Since", date));
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo(t.bytes());
    HttpResponse<byte[]> old =
        get(t.stream(), Map.of("If-Modified-Since", "Thu, 01 Jan 2015 00:00:00 GMT"));
    assertThat(old.statusCode()).isEqualTo(200);
  }

  @Test
  void failedIfMatchIs412Problem() throws Exception {
    Fixture t = track(MP3);
    HttpResponse<byte[]> r = get(t.stream(), Map.of("If-Match", "\"other\""));
    assertThat(r.statusCode()).isEqualTo(412);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/problem+json");
  }

  // ---- hostile and malformed requests

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/api/v1/tracks/../../secret.txt/stream",
        "/api/v1/tracks/..%2F..%2F..%2Fsecret.txt/stream",
        "/api/v1/tracks/%2e%2e%2f%2e%2e%2fsecret.txt/stream",
        "/api/v1/tracks/..%5C..%5Csecret.txt/stream",
        "/api/v1/tracks/..\\..\\secret.txt/stream",
        "/api/v1/tracks/%2Fetc%2Fpasswd/stream",
        "/api/v1/tracks//etc/passwd/stream",
        "/api/v1/tracks/%00/stream",
        "/api/v1/tracks/%zz/stream",
        "/api/v1/tracks/%C0%AE%C0%AE/stream",
        "/api/v1/tracks/AAAAAAAAAAAAAAAA/stream",
        "/../../secret.txt",
        "/%2e%2e/%2e%2e/secret.txt",
        "/api/v1/tracks/%E2%80%AE/cover",
        "http://127.0.0.1/../secret.txt",
      })
  void hostilePathsNeverReadOutsideTheLibraryNorFail(String target) throws Exception {
    try (RawHttp r = RawHttp.get(port, target)) {
      byte[] body = r.body();
      assertThat(r.status).as(target).isBetween(200, 499).isNotIn(200, 206);
      assertThat(new String(body, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
    }
  }

  @Test
  void badlyEncodedQueryIsAnsweredNotFailed() throws Exception {
    try (RawHttp r = RawHttp.get(port, "/api/v1/tracks?q=%ff%fe%zz")) {
      r.body();
      assertThat(r.status).isLessThan(500);
    }
  }

  @Test
  void overlongRequestTargetIsRefusedNotFailed() throws Exception {
    try (RawHttp r = RawHttp.get(port, "/api/v1/tracks/" + "A".repeat(20_000) + "/stream")) {
      r.body();
      assertThat(r.status).isBetween(400, 499);
    }
  }

  @Test
  void linkLeavingTheLibraryIsNotCatalogued() throws Exception {
    JsonNode page = json.readTree(get("/api/v1/tracks?limit=500", Map.of()).body());
    List<String> paths = new ArrayList<>();
    page.get("items").forEach(t -> paths.add(t.get("path").asString()));
    assertThat(paths).doesNotContain("escape.mp3", "broken.mp3", "notes.txt").contains(MP3, BIG);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Range: bytes=0-1\r\nRange: bytes=5-9",
        "If-None-Match: \"unterminated",
        "If-Modified-Since: 32 Foo 99999 99:99:99 GMT",
        "If-Range: W/",
        "Range: bytes=" + "0-1," + "",
        "Range: bytes=18446744073709551616-18446744073709551617",
        "Range: bytes=-18446744073709551616",
      })
  void malformedHeadersNeverGiveA5xx(String header) throws Exception {
    Fixture t = track(MP3);
    try (RawHttp r = RawHttp.send(port, "GET " + t.stream() + " HTTP/1.1\r\n" + header, 0)) {
      r.body();
      assertThat(r.status).as(header).isLessThan(500);
    }
  }

  @Test
  void prometheusShowsRequestsLatenciesAndBytesServed() throws Exception {
    Fixture t = track(MP3);
    get(t.stream(), Map.of());
    get(t.stream(), Map.of("Range", "bytes=0-99"));
    String metrics = new String(management("/actuator/prometheus").body());
    assertThat(metrics)
        .containsPattern("cadenza_stream_bytes_total\\{[^}]*status=\"200\"[^}]*} [1-9]")
        .containsPattern("cadenza_stream_bytes_total\\{[^}]*status=\"206\"[^}]*} [1-9]")
        .containsPattern(
            "cadenza_stream_requests_seconds_count\\{[^}]*method=\"GET\",status=\"206\"[^}]*} [1-9]")
        .contains("cadenza_stream_requests_seconds_bucket")
        .contains("http_server_requests_seconds_count")
        .contains("cadenza_library_tracks");
  }

  @Test
  void livenessIsUp() throws Exception {
    assertThat(management("/actuator/health/liveness").statusCode()).isEqualTo(200);
  }

  // ---- load

  @Test
  void twoHundredConcurrentRangeReadersAllGetExactBytes() throws Exception {
    List<Fixture> fixtures =
        List.of(track(MP3), track(BIG), track("Aurora Lane/Tides/02 Spring Tide.m4a"));
    Random random = new Random(42);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    HttpClient client =
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(pool).build();
    try {
      List<CompletableFuture<Void>> all = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        Fixture t = fixtures.get(i % fixtures.size());
        int size = t.bytes().length;
        int first = random.nextInt(size);
        int last = Math.min(size - 1, first + random.nextInt(512 * 1024));
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + t.stream()))
                .header("Range", "bytes=" + first + "-" + last)
                .timeout(Duration.ofSeconds(60))
                .build();
        all.add(
            client
                .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                .thenAccept(
                    r -> {
                      assertThat(r.statusCode()).isEqualTo(206);
                      assertThat(r.body()).isEqualTo(slice(t.bytes(), first, last));
                    }));
      }
      CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get();
    } finally {
      pool.shutdownNow();
    }
  }

  // ---- multipart parsing for the assertions

  record Part(Map<String, String> headers, byte[] body) {}

  static final class Multipart {
    static List<Part> parse(byte[] body, String boundary) {
      String text = new String(body, StandardCharsets.ISO_8859_1);
      String delimiter = "\r\n--" + boundary;
      assertThat(text).startsWith(delimiter + "\r\n").endsWith(delimiter + "--\r\n");
      List<Part> parts = new ArrayList<>();
      int at = 0;
      while (true) {
        int start = text.indexOf(delimiter, at) + delimiter.length();
        if (text.startsWith("--", start)) {
          return parts;
        }
        int headersEnd = text.indexOf("\r\n\r\n", start);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : text.substring(start + 2, headersEnd).split("\r\n")) {
          int colon = line.indexOf(':');
          headers.put(line.substring(0, colon).toLowerCase(), line.substring(colon + 1).strip());
        }
        int next = text.indexOf(delimiter, headersEnd + 4);
        parts.add(new Part(headers, Arrays.copyOfRange(body, headersEnd + 4, next)));
        at = next;
      }
    }
  }
}
