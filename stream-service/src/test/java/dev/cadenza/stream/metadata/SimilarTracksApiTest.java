package dev.cadenza.stream.metadata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.protocol.catalog.CatalogPage;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/tracks/{id}/similar} and the embedding codes of the binary listing, on the
 * demo library plus a few untagged files whose names say what they are, with the real model.
 */
class SimilarTracksApiTest {

  static final String SONATA = "Classical/Piano Sonata in C minor.wav";
  static final String CONCERTO = "Classical/Piano Concerto No 2 in C minor.wav";
  static final String METAL = "Metal/Thrash Metal Guitar Riffs.wav";
  static final String PUNK = "Metal/Heavy Metal Guitar Solo.wav";

  /**
   * A user's password, for the OpenSubsonic API, which always authenticates (authentication is off
   * for the native API here: the user is made through it).
   */
  static final String PASSWORD = "similar-songs-listener";

  @TempDir static Path tmp;
  static TestApp app;
  static CatalogClient api;
  static CatalogClient management;
  static int tracks;

  @BeforeAll
  static void start() throws Exception {
    Path library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    for (String name : List.of(SONATA, CONCERTO, METAL, PUNK)) {
      LibraryFixtures.wav(library.resolve(name), 8000, 1, 0.1);
    }
    app =
        TestApp.start(
            library,
            "--management.endpoint.health.show-details=always",
            "--management.endpoint.health.show-components=always",
            // the prefetch test sees the warmed track in L1, where originals then go
            "--cadenza.cache.originals=l1");
    api = new CatalogClient(app.port()).awaitReady(app.managementPort());
    management = new CatalogClient(app.managementPort());
    tracks = api.json("/api/v1/library").read("$.tracks");
    HttpResponse<String> created =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + app.port() + "/api/v1/users"))
                    .header("Content-Type", "application/json")
                    .POST(
                        HttpRequest.BodyPublishers.ofString(
                            "{\"username\":\"listener\",\"password\":\"" + PASSWORD + "\"}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                ((Number) actuator("/actuator/health/metadata").read("$.details.embeddedTracks"))
                        .intValue()
                    == tracks);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  @Test
  void ranksEveryOtherTrackBySimilarityExactlyForASmallCatalogue() {
    DocumentContext similar = api.json("/api/v1/tracks/" + Ids.track(SONATA) + "/similar");
    assertThat((String) similar.read("$.track")).isEqualTo(Ids.track(SONATA));
    assertThat((String) similar.read("$.method")).isEqualTo("exact");
    List<Map<String, Object>> items = similar.read("$.items");
    assertThat(items).hasSize(Math.min(10, tracks - 1));
    List<String> paths = similar.read("$.items[*].track.path");
    assertThat(paths).doesNotContain(SONATA).doesNotHaveDuplicates();
    assertThat(paths.get(0)).isEqualTo(CONCERTO);
    List<Double> scores = similar.read("$.items[*].similarity");
    assertThat(scores).isSortedAccordingTo((a, b) -> Double.compare(b, a));
    assertThat(scores).allSatisfy(s -> assertThat(s).isBetween(-1.0, 1.0));

    List<String> metal =
        api.json("/api/v1/tracks/" + Ids.track(METAL) + "/similar").read("$.items[*].track.path");
    assertThat(metal.get(0)).isEqualTo(PUNK);
  }

  /** An OpenSubsonic method as the admin, in JSON: the inside of {@code subsonic-response}. */
  static DocumentContext subsonic(String method, String... params) {
    String[] all = new String[params.length + 10];
    System.arraycopy(
        new String[] {"u", "listener", "p", PASSWORD, "v", "1.16.1", "c", "test", "f", "json"},
        0,
        all,
        0,
        10);
    System.arraycopy(params, 0, all, 10, params.length);
    DocumentContext r = api.json("/rest/" + method, all);
    return com.jayway.jsonpath.JsonPath.parse((Object) r.read("$['subsonic-response']"));
  }

  static List<Double> doubles(List<Number> numbers) {
    return numbers.stream().map(Number::doubleValue).toList();
  }

  @Test
  void sonicSimilarTracksAreTheNearestByEmbeddingWithTheirDistance() {
    DocumentContext r = subsonic("getSonicSimilarTracks", "id", Ids.track(SONATA), "count", "3");
    assertThat(r.read("$.status", String.class)).as(r.jsonString()).isEqualTo("ok");
    List<String> ids = r.read("$.sonicSimilarTracksResult.sonicMatch[*].id");
    assertThat(ids).hasSize(3).doesNotContain(Ids.track(SONATA)).doesNotHaveDuplicates();
    assertThat(ids.get(0)).as("the native route's nearest").isEqualTo(Ids.track(CONCERTO));
    List<Double> distances = doubles(r.read("$.sonicSimilarTracksResult.sonicMatch[*].distance"));
    assertThat(distances)
        .isSortedAccordingTo(Double::compare)
        .allSatisfy(d -> assertThat(d).isBetween(0.0, 1.0));
    assertThat(r.read("$.sonicSimilarTracksResult.sonicMatch[0].title", String.class))
        .as("a song, as every list of songs")
        .isNotBlank();

    DocumentContext unknown = subsonic("getSonicSimilarTracks", "id", "nope");
    assertThat(unknown.read("$.error.code", Integer.class)).isEqualTo(70);
    List<String> extensions =
        subsonic("getOpenSubsonicExtensions").read("$.openSubsonicExtensions[*].name");
    assertThat(extensions).contains("sonicSimilarity");
  }

  @Test
  void aSonicPathGoesFromTheStartToTheEndThroughDistinctSongs() {
    DocumentContext r =
        subsonic(
            "findSonicPath",
            "startSongId",
            Ids.track(SONATA),
            "endSongId",
            Ids.track(METAL),
            "count",
            "5");
    assertThat(r.read("$.status", String.class)).as(r.jsonString()).isEqualTo("ok");
    List<String> ids = r.read("$.findSonicPathResult.sonicMatch[*].id");
    assertThat(ids).hasSize(5).doesNotHaveDuplicates();
    assertThat(ids.get(0)).isEqualTo(Ids.track(SONATA));
    assertThat(ids.get(4)).isEqualTo(Ids.track(METAL));
    List<Double> distances = doubles(r.read("$.findSonicPathResult.sonicMatch[*].distance"));
    assertThat(distances.get(0)).isEqualTo(0.0);
    assertThat(distances).allSatisfy(d -> assertThat(d).isBetween(0.0, 1.0));

    DocumentContext missing = subsonic("findSonicPath", "startSongId", Ids.track(SONATA));
    assertThat(missing.read("$.error.code", Integer.class)).isEqualTo(10);
  }

  @Test
  void limitBoundsTheAnswerAndBadInputIsAProblem() {
    String id = Ids.track(CONCERTO);
    assertThat(api.items("/api/v1/tracks/" + id + "/similar", "limit", "2")).hasSize(2);
    assertThat(api.items("/api/v1/tracks/" + id + "/similar", "limit", "500")).hasSize(tracks - 1);

    assertThat(
            (String)
                api.problem(400, "/api/v1/tracks/" + id + "/similar", "limit", "0")
                    .read("$.detail"))
        .contains("limit");
    assertThat(
            (String)
                api.problem(400, "/api/v1/tracks/" + id + "/similar", "limit", "ten")
                    .read("$.detail"))
        .contains("whole number");
    assertThat(
            (String)
                api.problem(400, "/api/v1/tracks/" + id + "/similar", "limit", "100000")
                    .read("$.detail"))
        .contains("between 1 and");
    assertThat((String) api.problem(404, "/api/v1/tracks/nosuchtrack/similar").read("$.detail"))
        .contains("nosuchtrack");
  }

  @Test
  void theBinaryFormatCarriesEachTracksCode() throws Exception {
    CatalogPage listing = binary("/api/v1/tracks?limit=500");
    assertThat(listing.tracks()).hasSize(tracks);
    assertThat(listing.tracks())
        .allSatisfy(t -> assertThat(t.embeddingCode()).hasSize(BinaryCodes.bytes(384)));

    CatalogPage similar = binary("/api/v1/tracks/" + Ids.track(SONATA) + "/similar?limit=3");
    assertThat(similar.tracks()).hasSize(3);
    assertThat(similar.tracks().get(0).path()).isEqualTo(CONCERTO);
    assertThat(similar.next()).isNull();
    TrackEntry concerto = similar.tracks().get(0);
    TrackEntry inListing =
        listing.tracks().stream().filter(t -> t.id().equals(concerto.id())).findFirst().get();
    assertThat(concerto).isEqualTo(inListing);
  }

  @Test
  void startingATrackPrefetchesTheMostSimilarOne() throws Exception {
    // the last track of its folder's album: what comes next is what is most similar
    var library = app.app().getBean(Library.class);
    var cache = app.app().getBean(ChunkCache.class);
    var concerto = library.track(Ids.track(CONCERTO)).orElseThrow();
    assertThat(cache.inL1(concerto, 0)).isFalse();
    api.web()
        .get()
        .uri("/api/v1/tracks/" + Ids.track(SONATA) + "/stream")
        .header("Range", "bytes=0-99")
        .exchange()
        .expectStatus()
        .isEqualTo(206);
    await().atMost(Duration.ofSeconds(20)).until(() -> cache.inL1(concerto, 0));
  }

  @Test
  void healthAndMetricsSayHowMuchIsEmbedded() {
    DocumentContext health = actuator("/actuator/health/metadata");
    assertThat((String) health.read("$.status")).isEqualTo("UP");
    assertThat((Integer) health.read("$.details.embeddedTracks")).isEqualTo(tracks);
    assertThat(metric("cadenza.metadata.embeddings.computed")).isEqualTo(tracks);
    assertThat(metric("cadenza.metadata.embeddings.tracks")).isEqualTo(tracks);
    assertThat(metric("cadenza.metadata.embeddings.missing")).isZero();
  }

  private double metric(String name) {
    return ((Number) actuator("/actuator/metrics/" + name).read("$.measurements[0].value"))
        .doubleValue();
  }

  private static DocumentContext actuator(String path) {
    return management.anyJson(path);
  }

  private static CatalogPage binary(String path) throws Exception {
    return api.binary(path);
  }
}
