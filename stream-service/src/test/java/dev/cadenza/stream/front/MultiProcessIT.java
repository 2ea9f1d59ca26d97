package dev.cadenza.stream.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.PlaybackState;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.session.SessionHttp;
import dev.cadenza.stream.session.SessionHttp.Events;
import dev.cadenza.stream.session.SessionHttp.Sse;
import dev.cadenza.stream.testsupport.LocalStack;
import dev.cadenza.stream.testsupport.LocalStack.Instance;
import dev.cadenza.stream.testsupport.PrometheusText;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What several pods share, proven with several processes: two instances of the packaged jar started
 * by {@code hack/local-stack.sh} (with dynalite, chronyd and nginx), each asked directly on its own
 * port, each read from outside through the Prometheus metrics on its management port.
 *
 * <ol>
 *   <li>L2: chunks instance A read from the library files are served by instance B from DynamoDB,
 *       byte for byte, without one file read on B.
 *   <li>Sessions: a session created on A is joined and steered through B, and A's SSE subscriber
 *       hears B's commands; ended on A, B's subscriber hears the end.
 *   <li>The catalogue's scan lease: the instance holding it is killed (SIGKILL: nothing released),
 *       the other takes it over once it runs out, then scans and serves a file added since.
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MultiProcessIT {

  static final Path WORK = Path.of("target/multi-process-it").toAbsolutePath();
  static final int TRACKS = 4;
  static final int CHUNK = 256 * 1024;

  /** Short, so that a killed holder's lease runs out within the test; renewed every L/4. */
  static final Duration LEASE = Duration.ofSeconds(8);

  static final Duration CATALOG_POLL = Duration.ofSeconds(1);

  /** Generous: two JVMs, dynalite and the build share a small machine. */
  static final Duration PATIENCE = Duration.ofSeconds(90);

  static final JsonMapper JSON = JsonMapper.builder().build();

  static LocalStack stack;
  static Instance a;
  static Instance b;
  static Path library;

  /** Track id to its file, as the catalogue lists them. */
  static final Map<String, Path> files = new LinkedHashMap<>();

  @BeforeAll
  static void start() throws Exception {
    LocalStack.clean(WORK);
    library = Files.createDirectories(WORK.resolve("library"));
    for (int i = 0; i < TRACKS; i++) {
      // sizes that are no multiple of the chunk size: every track ends in a short chunk
      TestAudio.wav(library.resolve("track-" + i + ".wav"), 1_300_000 + i * 350_001, i + 1);
    }
    stack =
        new LocalStack(
            WORK,
            library,
            Map.of(
                "CADENZA_DYNAMODB_LEASE_DURATION", LEASE.toSeconds() + "s",
                "CADENZA_DYNAMODB_CATALOG_POLL", CATALOG_POLL.toSeconds() + "s",
                "CADENZA_CACHE_CHUNK_SIZE", CHUNK / 1024 + "KB",
                // room for every chunk of the library: none of A's L2 writes is dropped
                "CADENZA_CACHE_WRITE_QUEUE", "1024"));
    a = stack.instance(0);
    b = stack.instance(1);
    stack.start(240);

    // Both share DynamoDB (rather than scanning on their own and skipping L2, as while it fails):
    // one holds the scan lease, both serve its generation of the catalogue, both breakers closed.
    await("both instances on the shared tables")
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              PrometheusText onA = stack.metrics(a);
              PrometheusText onB = stack.metrics(b);
              assertThat(
                      onA.count("cadenza_library_shared_lease_held")
                          + onB.count("cadenza_library_shared_lease_held"))
                  .isEqualTo(1);
              assertThat(onA.count("cadenza_library_shared_generation"))
                  .isPositive()
                  .isEqualTo(onB.count("cadenza_library_shared_generation"));
              assertThat(onA.count("cadenza_cache_l2_breaker_state")).isZero();
              assertThat(onB.count("cadenza_cache_l2_breaker_state")).isZero();
            });
    Map<String, String> onA = tracks(a);
    assertThat(onA).hasSize(TRACKS);
    assertThat(tracks(b)).isEqualTo(onA);
    onA.forEach((id, path) -> files.put(id, library.resolve(path)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  @Order(1)
  void chunksOneInstanceReadFromTheFilesAreServedByTheOtherFromDynamoDbWithoutAFileRead()
      throws Exception {
    long chunks = 0;
    for (Path file : files.values()) {
      chunks += (Files.size(file) + CHUNK - 1) / CHUNK;
    }
    PrometheusText a0 = stack.metrics(a);
    Map<String, String> sha = new LinkedHashMap<>();
    for (Map.Entry<String, Path> track : files.entrySet()) {
      HttpResponse<byte[]> r = get(a, stream(track.getKey()));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(Files.readAllBytes(track.getValue()));
      sha.put(track.getKey(), sha256(r.body()));
    }
    // A read every chunk from the files and hands each to L2: wait until all are written
    long drainStart = System.nanoTime();
    await("A's L2 writes")
        .atMost(PATIENCE)
        .untilAsserted(
            () -> {
              PrometheusText m = stack.metrics(a);
              assertThat(m.count("cadenza_cache_l2_write_queue")).isZero();
              assertThat(delta(m, a0, "cadenza_cache_l2_writes_total", "result", "ok"))
                  .isEqualTo(delta(m, a0, "cadenza_cache_requests_total", "tier", "origin"));
            });
    long drainMs = (System.nanoTime() - drainStart) / 1_000_000;
    PrometheusText a1 = stack.metrics(a);
    long readOnA = delta(a1, a0, "cadenza_cache_requests_total", "tier", "origin");
    assertThat(readOnA).as("chunks A read from the files").isGreaterThanOrEqualTo(chunks);
    assertThat(delta(a1, a0, "cadenza_cache_l2_writes_total", "result", "dropped")).isZero();
    assertThat(delta(a1, a0, "cadenza_cache_l2_writes_total", "result", "failed")).isZero();

    PrometheusText b0 = stack.metrics(b);
    // a range across chunk boundaries first: its chunks come from L2 straight away
    String first = files.keySet().iterator().next();
    String range = "bytes=" + (CHUNK - 1000) + "-" + (2 * CHUNK + 1000);
    HttpResponse<byte[]> rangeOnB = get(b, stream(first), "Range", range);
    HttpResponse<byte[]> rangeOnA = get(a, stream(first), "Range", range);
    assertThat(rangeOnB.statusCode()).isEqualTo(206);
    assertThat(rangeOnB.headers().firstValue("Content-Range"))
        .isEqualTo(rangeOnA.headers().firstValue("Content-Range"));
    assertThat(rangeOnB.body())
        .isEqualTo(rangeOnA.body())
        .isEqualTo(
            Arrays.copyOfRange(
                Files.readAllBytes(files.get(first)), CHUNK - 1000, 2 * CHUNK + 1001));
    for (String id : files.keySet()) {
      HttpResponse<byte[]> r = get(b, stream(id));
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(sha256(r.body())).as(id).isEqualTo(sha.get(id));
    }
    PrometheusText b1 = stack.metrics(b);
    long hits = delta(b1, b0, "cadenza_cache_requests_total", "tier", "l2", "result", "hit");
    System.out.printf(
        "[l2] %d chunks in %d tracks: A read %d from the files and wrote %d to L2 (drained %d ms"
            + " after the last response); B: %d L2 hits (%d of them read ahead in batches),"
            + " %d L2 misses, %d file reads, %d bytes from L2%n",
        chunks,
        TRACKS,
        readOnA,
        delta(a1, a0, "cadenza_cache_l2_writes_total", "result", "ok"),
        drainMs,
        hits,
        delta(b1, b0, "cadenza_cache_readahead_total", "source", "l2"),
        delta(b1, b0, "cadenza_cache_requests_total", "tier", "l2", "result", "miss"),
        delta(b1, b0, "cadenza_cache_requests_total", "tier", "origin"),
        delta(b1, b0, "cadenza_cache_bytes_total", "tier", "l2"));
    assertThat(delta(b1, b0, "cadenza_cache_requests_total", "tier", "origin"))
        .as("chunks B read from the files")
        .isZero();
    assertThat(delta(b1, b0, "cadenza_cache_bytes_total", "tier", "origin")).isZero();
    assertThat(delta(b1, b0, "cadenza_cache_requests_total", "tier", "l2", "result", "miss"))
        .isZero();
    // B had none of these chunks in memory: each came from L2 at least once
    assertThat(hits).as("L2 hits on B").isGreaterThanOrEqualTo(chunks);
    long bytes = 0;
    for (Path file : files.values()) {
      bytes += Files.size(file);
    }
    assertThat(delta(b1, b0, "cadenza_cache_bytes_total", "tier", "l2"))
        .isGreaterThanOrEqualTo(bytes);
  }

  /**
   * A transcoded variant made on A (real ffmpeg) is served by B from L2: its manifest and chunks,
   * whole and in ranges, with A's strong ETag, and no ffmpeg run on B. MP3 too, whose made variant
   * differs from the stream as it was made in its first chunk (the gapless information written when
   * it was complete): B serves A's made bytes, not a stream of its own.
   */
  @Test
  @Order(2)
  void aVariantMadeOnOneInstanceIsServedByTheOtherFromL2WithoutFfmpeg() throws Exception {
    String id = files.keySet().iterator().next();
    variantServedFromL2(id, "opus", 96);
    variantServedFromL2(id, "mp3", 128);
  }

  private void variantServedFromL2(String id, String format, int bitrate) throws Exception {
    String name = format + "-" + bitrate;
    String variant = stream(id) + "?format=" + format + "&bitrate=" + bitrate;
    HttpResponse<byte[]> made = get(a, variant);
    assertThat(made.statusCode()).isEqualTo(200);
    assertThat(made.headers().firstValue("X-Transcoding").orElseThrow()).startsWith(name);
    // A hands the variant's chunks to L2, then its manifest
    HttpResponse<byte[]> whole =
        await("A serves the variant whole")
            .atMost(PATIENCE)
            .until(() -> get(a, variant), r -> r.headers().firstValue("ETag").isPresent());
    byte[] bytes = whole.body();
    assertThat(bytes).hasSameSizeAs(made.body());
    String etag = whole.headers().firstValue("ETag").orElseThrow();
    await("A's L2 writes")
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(stack.metrics(a).count("cadenza_cache_l2_write_queue")).isZero());

    PrometheusText b0 = stack.metrics(b);
    HttpResponse<byte[]> onB =
        await("B finds the manifest")
            .atMost(PATIENCE)
            .until(() -> get(b, variant), r -> r.headers().firstValue("ETag").isPresent());
    assertThat(onB.statusCode()).isEqualTo(200);
    assertThat(onB.headers().firstValue("ETag")).hasValue(etag);
    assertThat(onB.headers().firstValue("Content-Length")).hasValue(Integer.toString(bytes.length));
    assertThat(onB.body()).isEqualTo(bytes);
    HttpResponse<byte[]> rangeOnB = get(b, variant, "Range", "bytes=1000-4999");
    assertThat(rangeOnB.statusCode()).isEqualTo(206);
    assertThat(rangeOnB.body()).isEqualTo(Arrays.copyOfRange(bytes, 1000, 5000));
    PrometheusText b1 = stack.metrics(b);
    assertThat(b1.count("cadenza_transcode_runs_total")).as("ffmpeg runs on B").isZero();
    assertThat(delta(b1, b0, "cadenza_cache_requests_total", "tier", "origin")).isZero();
    System.out.printf(
        "[transcode] %s of a %d-byte WAV: %d bytes made on A; B served it from L2 (%d L2"
            + " hits) with 0 ffmpeg runs%n",
        name,
        Files.size(files.get(id)),
        bytes.length,
        delta(b1, b0, "cadenza_cache_requests_total", "tier", "l2", "result", "hit"));
  }

  @Test
  @Order(3)
  void aSessionCreatedOnOneInstanceIsSteeredThroughTheOtherAndBothSubscribersHearIt()
      throws Exception {
    SessionHttp onA = new SessionHttp(a.port());
    SessionHttp onB = new SessionHttp(b.port());
    SessionView created = onA.create("multi-process");
    String id = created.id();
    try (Events subscriberOnA = onA.events(id);
        Events subscriberOnB = onB.events(id)) {
      assertThat(subscriberOnA.status()).isEqualTo(200);
      assertThat(subscriberOnB.status()).isEqualTo(200);
      awaitEvent(subscriberOnA, "snapshot", created.version());
      awaitEvent(subscriberOnB, "snapshot", created.version());

      Member joined = onB.join(id, "player-on-b");
      SessionView afterJoin =
          awaitEvent(subscriberOnA, "joined", created.version() + 1).data().session();
      assertThat(afterJoin.members()).containsExactly(joined);

      String track = files.keySet().iterator().next();
      long sent = System.nanoTime();
      SessionView played = onB.command(id, "play", "{\"trackId\":\"" + track + "\"}").ok();
      Sse heardPlay = awaitEvent(subscriberOnA, "play", played.version());
      long playMs = (System.nanoTime() - sent) / 1_000_000;
      assertThat(heardPlay.data().session().playback()).isEqualTo(played.playback());
      assertThat(played.playback().state()).isEqualTo(PlaybackState.PLAYING);
      assertThat(played.playback().trackId()).isEqualTo(track);

      sent = System.nanoTime();
      SessionView sought = onB.command(id, "seek", "{\"positionMicros\":500000}").ok();
      Sse heardSeek = awaitEvent(subscriberOnA, "seek", sought.version());
      long seekMs = (System.nanoTime() - sent) / 1_000_000;
      assertThat(heardSeek.data().session().playback()).isEqualTo(sought.playback());
      assertThat(sought.playback().positionMicros()).isEqualTo(500_000);
      // B's own subscriber heard its commands too
      awaitEvent(subscriberOnB, "seek", sought.version());

      sent = System.nanoTime();
      assertThat(onA.delete(Api.session(id)).status()).isEqualTo(204);
      Sse end = awaitEvent(subscriberOnB, "ended", sought.version());
      long endMs = (System.nanoTime() - sent) / 1_000_000;
      assertThat(end.data().session().playback()).isEqualTo(sought.playback());
      await("B's stream completes").atMost(PATIENCE).until(subscriberOnB::completed);
      awaitEvent(subscriberOnA, "ended", sought.version());
      await("A's stream completes").atMost(PATIENCE).until(subscriberOnA::completed);
      System.out.printf(
          "[sessions] A's subscriber heard B's play after %d ms and its seek after %d ms; B's"
              + " subscriber heard the end on A after %d ms (poll interval 250 ms)%n",
          playMs, seekMs, endMs);
    }
  }

  @Test
  @Order(4)
  void whenTheLeaseHolderIsKilledTheOtherInstanceTakesTheLeaseAndScans() throws Exception {
    Instance holder =
        await("exactly one lease holder")
            .atMost(PATIENCE)
            .until(MultiProcessIT::holder, Objects::nonNull);
    Instance survivor = holder == a ? b : a;
    PrometheusText before = stack.metrics(survivor);
    long acquired = before.count("cadenza_library_shared_lease_acquired_total");
    long generation = before.count("cadenza_library_shared_generation");
    assertThat(before.count("cadenza_library_shared_lease_held")).isZero();

    stack.kill(holder);
    long killed = System.nanoTime();
    // the lease runs out (it was renewed at most L ago), and the survivor's next poll takes it
    await("the survivor takes the lease")
        .atMost(LEASE.multipliedBy(2).plus(PATIENCE))
        .pollInterval(Duration.ofMillis(200))
        .untilAsserted(
            () -> {
              PrometheusText m = stack.metrics(survivor);
              assertThat(m.count("cadenza_library_shared_lease_held")).isEqualTo(1);
              assertThat(m.count("cadenza_library_shared_lease_acquired_total"))
                  .isGreaterThan(acquired);
            });
    long takeoverMs = (System.nanoTime() - killed) / 1_000_000;

    // a file added now reaches the catalogue through the survivor's scan
    TestAudio.wav(library.resolve("added-after-the-kill.wav"), 900_000, 99);
    HttpResponse<byte[]> scan =
        send(
            HttpRequest.newBuilder(survivor.uri("/api/v1/library/scan"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(scan.statusCode()).isEqualTo(202);
    await("the added file in the survivor's catalogue")
        .atMost(PATIENCE)
        .untilAsserted(
            () -> assertThat(tracks(survivor)).containsValue("added-after-the-kill.wav"));
    assertThat(tracks(survivor)).hasSize(TRACKS + 1);
    // and it wrote it to the shared catalogue, as the holder
    await("the survivor publishes a new generation")
        .atMost(PATIENCE)
        .untilAsserted(
            () ->
                assertThat(stack.metrics(survivor).count("cadenza_library_shared_generation"))
                    .isGreaterThan(generation));
    System.out.printf(
        "[lease] killed the holder (%s); %s took the lease %d ms later (lease %d s, poll %d s)%n",
        holder, survivor, takeoverMs, LEASE.toSeconds(), CATALOG_POLL.toSeconds());
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** Waits for the subscriber's message of that type and version. */
  static Sse awaitEvent(Events events, String type, long version) {
    return await(type + " " + version)
        .atMost(PATIENCE)
        .until(
            () ->
                events.events().stream()
                    .filter(e -> e.event().equals(type) && e.id().equals(Long.toString(version)))
                    .findFirst()
                    .orElse(null),
            Objects::nonNull);
  }

  /** The instance that holds the scan lease, or null unless exactly one says it does. */
  static Instance holder() {
    long onA = stack.metrics(a).count("cadenza_library_shared_lease_held");
    long onB = stack.metrics(b).count("cadenza_library_shared_lease_held");
    return onA + onB != 1 ? null : onA == 1 ? a : b;
  }

  /** Id to relative path of every track an instance serves. */
  static Map<String, String> tracks(Instance instance) throws Exception {
    HttpResponse<byte[]> r = get(instance, "/api/v1/tracks?limit=100");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode page = JSON.readTree(r.body());
    Map<String, String> tracks = new LinkedHashMap<>();
    page.get("items").forEach(t -> tracks.put(t.get("id").asString(), t.get("path").asString()));
    return tracks;
  }

  static long delta(PrometheusText now, PrometheusText before, String name, String... labels) {
    return now.count(name, labels) - before.count(name, labels);
  }

  static String stream(String id) {
    return "/api/v1/tracks/" + id + "/stream";
  }

  static HttpResponse<byte[]> get(Instance instance, String path, String... headers)
      throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(instance.uri(path));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return send(r);
  }

  static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return TestHttp.CLIENT.send(
        request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
