package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import dev.cadenza.testsupport.DynamoDbFaultProxy;
import dev.cadenza.testsupport.DynamoDbFaultProxy.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * One pod whose DynamoDB is behind a {@link DynamoDbFaultProxy} in front of dynalite: added
 * latency, throttling, connection resets and a freeze, in turn, then recovery. Through each, the
 * same 200 requests (whole files and ranges, 8 at a time) are all answered byte-exact, from the
 * files where L2 fails; the pod sends DynamoDB fewer requests while it throttles than while it is
 * healthy; the metrics count each kind of fault apart; the {@code chunkCache} health says L2 is
 * degraded while readiness stays up; and all of it clears once the faults stop.
 */
@ExtendWith(DynaliteExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DynamoDbFaultsTest {

  static final int TRACKS = 16;
  static final int REQUESTS = 200;
  static final int CONCURRENCY = 8;
  static final Set<String> READS = Set.of("GetItem", "BatchGetItem");

  @TempDir static Path library;
  static DynamoDbFaultProxy proxy;
  static TestApp app;
  static final Map<String, byte[]> files = new ConcurrentHashMap<>();
  static List<Track> tracks;

  /** L2 reads the proxy forwarded in the healthy phase: the baseline for the same requests. */
  static long healthyReads;

  static final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeAll
  static void start(Dynalite dynalite) throws Exception {
    Random sizes = new Random(3);
    for (int i = 0; i < TRACKS; i++) {
      Path file = library.resolve("track-" + i + ".wav");
      TestAudio.wav(file, 150_000 + sizes.nextInt(750_000), i);
      files.put(file.getFileName().toString(), Files.readAllBytes(file));
    }
    proxy = DynamoDbFaultProxy.start(dynalite.endpoint());
    app =
        TestApp.start(
            library,
            "--cadenza.dynamodb.table-prefix=faults" + ThreadLocalRandom.current().nextInt(1 << 20),
            "--cadenza.dynamodb.endpoint=" + proxy.endpoint(),
            "--cadenza.dynamodb.create-tables=true",
            "--cadenza.dynamodb.timeout=1s",
            "--cadenza.dynamodb.breaker-wait=1s",
            "--cadenza.dynamodb.catalog-poll=1s",
            "--cadenza.cache.chunk-size=64KB",
            // a quarter of the library: most lookups go below L1 in every phase
            "--cadenza.cache.memory=2MB",
            // prefetch would add reads of its own to the counts compared across phases
            "--cadenza.cache.prefetch.enabled=false");
    tracks = app.app().getBean(Library.class).catalog().tracks();
    assertThat(tracks).hasSize(TRACKS);
    // every chunk in L2 once, so that each phase reads the same chunks from it
    for (Track t : tracks) {
      Answer a = send(new Ask(t, null));
      assertThat(a.status()).isEqualTo(200);
    }
    await().atMost(Duration.ofSeconds(60)).until(() -> cache().l2WritesIdle());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  /** Each phase starts from a healthy DynamoDB, the breaker closed and no write pending. */
  @BeforeEach
  void healthy() {
    proxy.heal();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cache().breakerState().equals("CLOSED") && cache().l2WritesIdle());
  }

  @AfterEach
  void heal() {
    proxy.heal();
  }

  @Test
  @Order(1)
  void healthyEveryLookupBelowL1GoesToL2Once() throws Exception {
    Phase p = run();

    p.assertEveryAnswerByteExact();
    assertThat(p.proxied(r -> r.outcome() != Outcome.FORWARDED)).isZero();
    // (a timeout is possible on a loaded machine; nothing else is)
    assertThat(p.errors() - p.errors("timeout")).as("L2 errors").isZero();
    assertThat(p.l2Hits()).isPositive();
    assertThat(p.chunkReads()).isLessThanOrEqualTo(p.l2ReadCalls());
    healthyReads = p.chunkReads();
    assertThat(healthyReads).isPositive();
  }

  @Test
  @Order(2)
  void addedLatencyBeyondTheTimeoutIsCountedAsTimeoutsAndServedFromTheFiles() throws Exception {
    // 0.5-1.5 s against a 1 s timeout: about half the calls time out
    proxy.latency(Duration.ofMillis(500), Duration.ofMillis(1000));
    Phase p = run();

    p.assertEveryAnswerByteExact();
    assertThat(p.errors("timeout")).isPositive();
    assertThat(p.errors("throttled")).isZero();
    assertThat(p.originReads()).isPositive();
    assertThat(p.degradedSeen).isTrue();
    assertThat(p.notReady).isEmpty();
  }

  @Test
  @Order(3)
  void throttlingIsCountedApartAndTheServiceBacksOff() throws Exception {
    proxy.throttle(0.5);
    Phase p = run();

    p.assertEveryAnswerByteExact();
    // every throttled answer on the chunks table is counted as throttled, none as "other" (a
    // timeout, or a reset of a connection the previous phase's latency left stale, can happen on a
    // loaded machine: seen once in CI; resets are the fourth phase's subject)
    assertThat(p.errors("throttled"))
        .isPositive()
        .isLessThanOrEqualTo(
            p.proxied(r -> r.table().endsWith("-chunks") && r.outcome() == Outcome.THROTTLED));
    assertThat(p.errors("other")).isZero();
    // every L2 call is one request: the SDK does not retry into a table that throttles
    assertThat(p.chunkReads()).as("L2 reads at DynamoDB").isLessThanOrEqualTo(p.l2ReadCalls());
    // and the breaker keeps most lookups away from it
    assertThat(p.breakerOpened()).isPositive();
    assertThat(p.skipped()).isPositive();
    assertThat(p.chunkReads())
        .as("L2 reads at DynamoDB while throttled vs healthy (%d)", healthyReads)
        .isLessThan(healthyReads);
    assertThat(p.degradedSeen).isTrue();
    assertThat(p.notReady).isEmpty();
  }

  @Test
  @Order(4)
  void connectionResetsAreCountedApartAndServedFromTheFiles() throws Exception {
    proxy.reset(0.2);
    Phase p = run();

    p.assertEveryAnswerByteExact();
    assertThat(p.errors("reset")).isPositive();
    assertThat(p.errors("throttled")).isZero();
    assertThat(p.proxied(r -> r.outcome() == Outcome.RESET_IN_REQUEST)).isPositive();
    assertThat(p.proxied(r -> r.outcome() == Outcome.RESET_IN_RESPONSE)).isPositive();
    assertThat(p.chunkReads()).isLessThanOrEqualTo(p.l2ReadCalls());
    assertThat(p.notReady).isEmpty();
    // a fifth of the calls failing need not open the breaker (it may, on a run of failures), but
    // the health says so while it is closed
    await().atMost(Duration.ofSeconds(30)).until(() -> cache().breakerState().equals("CLOSED"));
    assertThat(cache().health().getDetails())
        .containsEntry("breaker", "CLOSED")
        .hasEntrySatisfying("degraded", d -> assertThat(d).asString().contains("reset"));
  }

  @Test
  @Order(5)
  void aFrozenDynamoDbCostsATimeoutPerProbeNotPerLookup() throws Exception {
    proxy.freeze();
    Phase p = run();

    p.assertEveryAnswerByteExact();
    assertThat(p.errors("timeout")).isPositive();
    assertThat(p.breakerOpened()).isPositive();
    assertThat(p.chunkReads()).isLessThan(healthyReads / 2);
    assertThat(p.degradedSeen).isTrue();
    assertThat(p.notReady).isEmpty();
  }

  @Test
  @Order(6)
  void whenTheFaultsStopL2ServesAgainAndTheHealthClears() throws Exception {
    Phase p = run();

    p.assertEveryAnswerByteExact();
    // (a stray timeout on a loaded machine, or a reset of a connection held through the freeze)
    assertThat(p.errors() - p.errors("timeout") - p.errors("reset")).isZero();
    assertThat(p.l2Hits()).isPositive();
    assertThat(p.notReady).isEmpty();
    // the last calls all succeeded: nothing degraded any more (a stray timeout on a loaded
    // machine is pushed out of the window by a few more requests)
    for (int round = 0; round < 5 && degraded(); round++) {
      for (Ask ask : workload().subList(0, 20)) {
        check(p, ask);
      }
    }
    assertThat(cache().health().getDetails()).doesNotContainKey("degraded");
    assertThat(cache().breakerState()).isEqualTo("CLOSED");
    p.assertEveryAnswerByteExact();
  }

  static boolean degraded() {
    return cache().health().getDetails().containsKey("degraded");
  }

  // ---- the load and what it measures

  /** One request: a whole track ({@code range} null) or a range of it. */
  record Ask(Track track, String range) {}

  record Answer(int status, byte[] body) {}

  /** The same 200 requests every phase: the same tracks, whole or in the same ranges. */
  static List<Ask> workload() {
    Random r = new Random(42);
    List<Ask> asks = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      Track t = tracks.get(r.nextInt(tracks.size()));
      long size = t.size();
      int kind = r.nextInt(10);
      long from = (long) (r.nextDouble() * size);
      String range =
          switch (kind) {
            case 0, 1, 2, 3 -> null;
            case 4 -> "bytes=" + from + "-";
            case 5 -> "bytes=-" + (1 + r.nextInt(200_000));
            default -> "bytes=" + from + "-" + Math.min(size - 1, from + r.nextInt(300_000));
          };
      asks.add(new Ask(t, range));
    }
    return asks;
  }

  /** What one phase did: its answers, the proxy's counts and the service's meters. */
  final class Phase {
    final List<String> wrong = new CopyOnWriteArrayList<>();
    final List<String> notReady = new CopyOnWriteArrayList<>();
    volatile boolean degradedSeen;
    DynamoDbFaultProxy.Tally proxied;
    Map<String, Double> before;
    Map<String, Double> after;

    double delta(String meter) {
      return after.get(meter) - before.get(meter);
    }

    long proxied(java.util.function.Predicate<DynamoDbFaultProxy.Request> which) {
      return proxied.count(which);
    }

    /** GetItem and BatchGetItem requests on the chunks table that reached the proxy. */
    long chunkReads() {
      return proxied.count("-chunks", READS);
    }

    long l2ReadCalls() {
      return (long) (delta("l2.get") + delta("l2.batch_get"));
    }

    double errors(String kind) {
      return delta("errors." + kind);
    }

    double errors() {
      return errors("throttled")
          + errors("timeout")
          + errors("reset")
          + errors("unreachable")
          + errors("other");
    }

    double l2Hits() {
      return delta("l2.hit");
    }

    double skipped() {
      return delta("l2.skipped");
    }

    double originReads() {
      return delta("origin");
    }

    double breakerOpened() {
      return delta("opened");
    }

    void assertEveryAnswerByteExact() {
      assertThat(wrong).as("answers that were not byte-exact").isEmpty();
    }

    @Override
    public String toString() {
      return "proxy " + proxied + ", meters " + after;
    }
  }

  Phase run() throws Exception {
    cache().clearL1();
    Phase p = new Phase();
    DynamoDbFaultProxy.Tally start = proxy.tally();
    p.before = meters();
    List<Ask> asks = workload();
    ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < asks.size(); i++) {
        Ask ask = asks.get(i);
        boolean probeReadiness = i % 10 == 0;
        done.add(
            pool.submit(
                () -> {
                  check(p, ask);
                  if (degraded()) {
                    p.degradedSeen = true;
                  }
                  if (probeReadiness) {
                    sample(p);
                  }
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get(5, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    sample(p);
    p.proxied = proxy.tally().minus(start);
    p.after = meters();
    System.out.println("phase: " + p + ", L2 call time: " + l2Time());
    return p;
  }

  /** Whether the health says L2 is degraded now, and readiness is up (over HTTP). */
  void sample(Phase p) throws Exception {
    if (degraded()) {
      p.degradedSeen = true;
    }
    HttpResponse<String> ready =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:" + app.managementPort() + "/actuator/health/readiness"))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (ready.statusCode() != 200 || !ready.body().contains("\"UP\"")) {
      p.notReady.add(ready.statusCode() + " " + ready.body());
    }
  }

  void check(Phase p, Ask ask) throws Exception {
    Answer a = send(ask);
    byte[] file = files.get(ask.track().path());
    byte[] expected = expected(file, ask.range());
    int status = ask.range() == null ? 200 : 206;
    if (a.status() != status || !sha256(a.body()).equals(sha256(expected))) {
      p.wrong.add(
          ask.track().path()
              + " "
              + ask.range()
              + ": "
              + a.status()
              + ", "
              + a.body().length
              + " of "
              + expected.length
              + " bytes");
    }
  }

  static Answer send(Ask ask) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + app.port()
                        + "/api/v1/tracks/"
                        + ask.track().id()
                        + "/stream"))
            .timeout(Duration.ofSeconds(60));
    if (ask.range() != null) {
      request.header("Range", ask.range());
    }
    HttpResponse<byte[]> r = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Answer(r.statusCode(), r.body());
  }

  /** The bytes a single range of the file holds (RFC 9110: suffix, open-ended, closed). */
  static byte[] expected(byte[] file, String range) {
    if (range == null) {
      return file;
    }
    String spec = range.substring("bytes=".length());
    int dash = spec.indexOf('-');
    if (dash == 0) {
      long n = Long.parseLong(spec.substring(1));
      return Arrays.copyOfRange(file, (int) Math.max(0, file.length - n), file.length);
    }
    int from = Integer.parseInt(spec.substring(0, dash));
    int to =
        dash == spec.length() - 1
            ? file.length - 1
            : Math.min(file.length - 1, Integer.parseInt(spec.substring(dash + 1)));
    return Arrays.copyOfRange(file, from, to + 1);
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static ChunkCache cache() {
    return app.app().getBean(ChunkCache.class);
  }

  /** The service's meters this test compares, summed over their other tags. */
  static Map<String, Double> meters() {
    MeterRegistry m = app.app().getBean(MeterRegistry.class);
    Map<String, Double> v = new java.util.TreeMap<>();
    v.put("l2.get", timerCount(m, "get"));
    v.put("l2.batch_get", timerCount(m, "batch_get"));
    v.put("l2.hit", counters(m, "cadenza.cache.requests", "tier", "l2", "result", "hit"));
    v.put("l2.skipped", counters(m, "cadenza.cache.requests", "tier", "l2", "result", "skipped"));
    v.put("origin", counters(m, "cadenza.cache.requests", "tier", "origin", "result", "hit"));
    v.put("opened", counters(m, "cadenza.cache.l2.breaker.opened"));
    for (String kind : List.of("throttled", "timeout", "reset", "unreachable", "other")) {
      v.put("errors." + kind, counters(m, "cadenza.cache.l2.errors", "kind", kind));
    }
    return v;
  }

  /** The L2 read times so far (mean and max), for the log. */
  static String l2Time() {
    MeterRegistry m = app.app().getBean(MeterRegistry.class);
    Timer t = m.find("cadenza.cache.latency").tags("tier", "l2", "operation", "get").timer();
    return t == null
        ? "none"
        : String.format(
            "get mean %.0f ms, max %.0f ms",
            t.mean(TimeUnit.MILLISECONDS), t.max(TimeUnit.MILLISECONDS));
  }

  static double counters(MeterRegistry m, String name, String... tags) {
    return m.find(name).tags(tags).counters().stream().mapToDouble(Counter::count).sum();
  }

  static double timerCount(MeterRegistry m, String operation) {
    return m
        .find("cadenza.cache.latency")
        .tags("tier", "l2", "operation", operation)
        .timers()
        .stream()
        .mapToDouble(Timer::count)
        .sum();
  }
}
