package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.StreamServiceApplication;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.Ordered;

/**
 * Predictive prefetch through the stream endpoint, the whole service running: a track start warms
 * the next tracks, a seek, a HEAD or a 304 does not, a SimilarTracks bean is followed after the
 * album's next track, and disabled means nothing. Originals go through L1 ({@code
 * cadenza.cache.originals=l1}), which is what these warm; with the page cache serving them, the
 * next tracks are read into it instead and L1 stays empty.
 */
class PrefetchStreamTest {

  static final int TRACK_BYTES = 5 * PrefetchFixtures.CHUNK; // 5 chunks (plus the WAV header)

  @TempDir static Path library;

  /** Similar tracks for the test bean: "Similar/0<n>.wav" for every track. */
  static final AtomicReference<Library> LIBRARY = new AtomicReference<>();

  static App plain;
  static App similar;
  static App disabled;
  static App pageCache;

  record App(ConfigurableApplicationContext context, int port) {
    <T> T bean(Class<T> type) {
      return context.getBean(type);
    }

    double count(String name, String... tags) {
      return bean(MeterRegistry.class).counter(name, tags).count();
    }

    double starts() {
      return count("cadenza.cache.prefetch.requests", "result", "queued")
          + count("cadenza.cache.prefetch.requests", "result", "joined")
          + count("cadenza.cache.prefetch.requests", "result", "recent")
          + count("cadenza.cache.prefetch.requests", "result", "dropped");
    }

    boolean inL1(String path, int index) {
      return bean(ChunkCache.class).inL1(track(path), index);
    }

    Track track(String path) {
      return bean(Library.class).track(Ids.track(path)).orElseThrow();
    }

    void awaitIdle() {
      await()
          .pollInterval(Duration.ofMillis(10))
          .atMost(Duration.ofSeconds(20))
          .until(bean(Prefetcher.class)::idle);
    }
  }

  /** A SimilarTracks bean as the embeddings would give it, ordered ahead of any other. */
  static final class TestSimilar implements SimilarTracks, Ordered {
    @Override
    public List<Track> similarTo(Track track, int limit) {
      Library lib = LIBRARY.get();
      List<Track> out = new ArrayList<>();
      for (int n = 1; n <= limit; n++) {
        lib.track(Ids.track("Similar/0" + n + ".wav")).ifPresent(out::add);
      }
      return out;
    }

    @Override
    public int getOrder() {
      return Ordered.HIGHEST_PRECEDENCE;
    }
  }

  static App start(boolean withSimilar, String... extra) throws Exception {
    List<String> args = new ArrayList<>();
    args.add("--server.port=0");
    args.add("--server.address=127.0.0.1");
    args.add("--cadenza.library.path=" + library);
    args.add("--cadenza.library.rescan-interval=0");
    args.add("--cadenza.clock.sntp.port=0");
    args.add("--cadenza.cache.chunk-size=4KB");
    args.addAll(List.of(extra));
    SpringApplicationBuilder builder = new SpringApplicationBuilder(StreamServiceApplication.class);
    if (withSimilar) {
      builder.initializers(
          context -> context.getBeanFactory().registerSingleton("testSimilar", new TestSimilar()));
    }
    ConfigurableApplicationContext context = builder.run(args.toArray(String[]::new));
    context.getBean(Library.class).awaitFirstScan(60, TimeUnit.SECONDS);
    if (withSimilar) {
      LIBRARY.set(context.getBean(Library.class));
    }
    return new App(context, ((WebServerApplicationContext) context).getWebServer().getPort());
  }

  @BeforeAll
  static void startAll() throws Exception {
    for (String album : List.of("A", "B", "C", "D", "E", "Similar")) {
      for (int n = 1; n <= 4; n++) {
        String path = album + "/0" + n + ".wav";
        TestAudio.wav(library.resolve(path), TRACK_BYTES, path.hashCode());
      }
    }
    // embeddings off: the album decides alone (SimilarTracksApiTest prefetches by embedding)
    String l1 = "--cadenza.cache.originals=l1";
    plain = start(false, l1, "--cadenza.metadata.embeddings=false");
    similar = start(true, l1, "--cadenza.metadata.embeddings=false");
    disabled =
        start(
            false,
            l1,
            "--cadenza.cache.prefetch.enabled=false",
            "--cadenza.metadata.embeddings=false");
    pageCache =
        start(false, "--cadenza.cache.originals=page-cache", "--cadenza.metadata.embeddings=false");
  }

  @AfterAll
  static void stopAll() {
    for (App app : Arrays.asList(plain, similar, disabled, pageCache)) {
      if (app != null) {
        app.context().close();
      }
    }
  }

  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  HttpResponse<byte[]> send(App app, String method, String path, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + app.port()
                        + "/api/v1/tracks/"
                        + Ids.track(path)
                        + "/stream"))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void startingATrackWarmsTheNextTracksFirstChunksAndReadingThemCountsPrefetchHits()
      throws Exception {
    double issued =
        plain.count("cadenza.cache.prefetch.chunks", "result", "issued", "reason", "none");
    HttpResponse<byte[]> first = send(plain, "GET", "A/01.wav", Map.of("Range", "bytes=0-99"));
    assertThat(first.statusCode()).isEqualTo(206);
    plain.awaitIdle();

    // the album's next track, then (embeddings off: no similar tracks) the one after it
    for (String path : List.of("A/02.wav", "A/03.wav")) {
      assertThat(plain.inL1(path, 0)).as(path).isTrue();
      assertThat(plain.inL1(path, 1)).as(path).isTrue();
      assertThat(plain.inL1(path, 2)).as(path).isFalse();
    }
    assertThat(plain.inL1("A/04.wav", 0)).isFalse();
    assertThat(plain.count("cadenza.cache.prefetch.chunks", "result", "issued", "reason", "none"))
        .isEqualTo(issued + 4);

    double hits = plain.count("cadenza.cache.prefetch.hits");
    double misses = plain.count("cadenza.cache.requests", "tier", "l1", "result", "miss");
    HttpResponse<byte[]> second =
        send(
            plain,
            "GET",
            "A/02.wav",
            Map.of("Range", "bytes=0-" + (2 * PrefetchFixtures.CHUNK - 1)));
    assertThat(second.statusCode()).isEqualTo(206);
    byte[] file = Files.readAllBytes(plain.track("A/02.wav").file());
    assertThat(second.body()).isEqualTo(Arrays.copyOf(file, 2 * PrefetchFixtures.CHUNK));
    assertThat(plain.count("cadenza.cache.prefetch.hits") - hits).isEqualTo(2);
    // both chunks came from L1 (prefetch's own loads do not count as L1 lookups)
    assertThat(plain.count("cadenza.cache.requests", "tier", "l1", "result", "miss"))
        .isEqualTo(misses);
    plain.awaitIdle();
    assertThat(plain.inL1("A/03.wav", 1)).as("the next track of the second start").isTrue();
  }

  @Test
  void aSeekAHeadAndANotModifiedDoNotPrefetch() throws Exception {
    double starts = plain.starts();

    assertThat(send(plain, "GET", "B/01.wav", Map.of("Range", "bytes=5000-9999")).statusCode())
        .isEqualTo(206);
    assertThat(send(plain, "HEAD", "B/01.wav", Map.of()).statusCode()).isEqualTo(200);
    String etag = plain.track("B/01.wav").etag();
    assertThat(send(plain, "GET", "B/01.wav", Map.of("If-None-Match", etag)).statusCode())
        .isEqualTo(304);

    // trackStarted runs on the request's thread before the body: nothing was asked for
    assertThat(plain.starts()).isEqualTo(starts);
    plain.awaitIdle();
    assertThat(plain.inL1("B/02.wav", 0)).isFalse();

    // a whole-file GET is a start
    assertThat(send(plain, "GET", "B/01.wav", Map.of()).statusCode()).isEqualTo(200);
    assertThat(plain.starts()).isEqualTo(starts + 1);
    plain.awaitIdle();
    assertThat(plain.inL1("B/02.wav", 0)).isTrue();
  }

  @Test
  void similarTracksAreWarmedAfterTheAlbumsNextTrack() throws Exception {
    assertThat(send(similar, "GET", "C/01.wav", Map.of()).statusCode()).isEqualTo(200);
    similar.awaitIdle();

    assertThat(similar.inL1("C/02.wav", 0)).as("the album's next").isTrue();
    assertThat(similar.inL1("Similar/01.wav", 0)).as("the most similar").isTrue();
    assertThat(similar.inL1("Similar/01.wav", 1)).isTrue();
    assertThat(similar.inL1("C/03.wav", 0)).as("beyond the two tracks").isFalse();
    assertThat(similar.inL1("Similar/02.wav", 0)).isFalse();
  }

  @Test
  void disabledPrefetchesNothing() throws Exception {
    assertThat(send(disabled, "GET", "D/01.wav", Map.of()).statusCode()).isEqualTo(200);

    assertThat(disabled.bean(Prefetcher.class).enabled()).isFalse();
    assertThat(disabled.bean(Prefetcher.class).idle()).isTrue();
    assertThat(disabled.starts()).isZero();
    assertThat(disabled.inL1("D/02.wav", 0)).isFalse();
    assertThat(disabled.inL1("D/01.wav", 0)).as("the cache itself is on").isTrue();
  }

  @Test
  void withThePageCacheServingOriginalsAStartReadsTheNextTracksFromTheFileAndL1StaysEmpty()
      throws Exception {
    double issued =
        pageCache.count("cadenza.cache.prefetch.chunks", "result", "issued", "reason", "none");
    double bytes = pageCache.count("cadenza.cache.prefetch.bytes");

    HttpResponse<byte[]> first = send(pageCache, "GET", "E/01.wav", Map.of());
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(first.body()).isEqualTo(Files.readAllBytes(pageCache.track("E/01.wav").file()));
    pageCache.awaitIdle();

    // two chunks of each of the two next tracks, read through the scratch buffer, none into L1
    assertThat(
            pageCache.count("cadenza.cache.prefetch.chunks", "result", "issued", "reason", "none"))
        .isEqualTo(issued + 4);
    assertThat(pageCache.count("cadenza.cache.prefetch.bytes"))
        .isEqualTo(bytes + 4 * PrefetchFixtures.CHUNK);
    for (String path : List.of("E/01.wav", "E/02.wav", "E/03.wav")) {
      assertThat(pageCache.inL1(path, 0)).as(path).isFalse();
    }
    HttpResponse<byte[]> next = send(pageCache, "GET", "E/02.wav", Map.of("Range", "bytes=0-99"));
    assertThat(next.statusCode()).isEqualTo(206);
    assertThat(next.body())
        .isEqualTo(Arrays.copyOf(Files.readAllBytes(pageCache.track("E/02.wav").file()), 100));
    assertThat(pageCache.inL1("E/02.wav", 0)).isFalse();
    assertThat(pageCache.count("cadenza.cache.prefetch.hits")).isZero();
  }
}
