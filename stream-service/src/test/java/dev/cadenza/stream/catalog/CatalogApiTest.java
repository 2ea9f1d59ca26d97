package dev.cadenza.stream.catalog;

import static dev.cadenza.stream.library.LibraryFixtures.CAFE_NOCTURNE;
import static dev.cadenza.stream.library.LibraryFixtures.DORIAN_WALK;
import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.LOW_WATER;
import static dev.cadenza.stream.library.LibraryFixtures.PHRYGIAN_DUSK;
import static dev.cadenza.stream.library.LibraryFixtures.SPRING_TIDE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.library.ReplayGainFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jaudiotagger.audio.AudioFileIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The catalogue API over HTTP, served from a temporary copy of the demo library with a corrupt file
 * and a text file next to the tracks.
 */
@SpringBootTest(
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
    properties = {"server.address=127.0.0.1", "cadenza.library.rescan-interval=0"})
@DirtiesContext
class CatalogApiTest {

  private static final String CORRUPT = "Broken/corrupt.mp3";
  private static final List<String> TRACK_FIELDS =
      List.of(
          "id",
          "title",
          "artist",
          "album",
          "albumArtist",
          "trackNumber",
          "discNumber",
          "year",
          "genre",
          "durationMs",
          "format",
          "contentType",
          "size",
          "bitrate",
          "path",
          "albumId",
          "artistId",
          "streamUrl",
          "coverUrl");

  /** Not a real JPEG: the service serves folder images as they are. */
  private static final byte[] FOLDER_JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 1, 2, 3};

  @TempDir static Path tmp;
  static Path library;

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) throws Exception {
    library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    LibraryFixtures.randomBytes(library.resolve(CORRUPT), 32 * 1024, 42);
    Files.writeString(library.resolve("notes.txt"), "liner notes");
    ReplayGainFixtures.write(library.resolve(FIRST_LIGHT), ReplayGainFixtures.TAGS);
    Files.write(library.resolve("The Quiet Modes/Seven Modes/cover.jpg"), FOLDER_JPEG);
    Path secret = Files.write(tmp.resolve("secret.png"), new byte[] {1, 2, 3});
    Files.createSymbolicLink(library.resolve("Aurora Lane/Tides/cover.png"), secret);
    registry.add("cadenza.library.path", library::toString);
  }

  @LocalServerPort int port;
  @LocalManagementPort int managementPort;

  private CatalogClient api;

  @BeforeEach
  void ready() {
    api = new CatalogClient(port).awaitReady(managementPort);
  }

  private static String id(String path) {
    return Ids.track(path);
  }

  private List<String> titles(String... params) {
    return api.items("/api/v1/tracks", params).stream().map(t -> (String) t.get("title")).toList();
  }

  private String albumId(String title) {
    return api.items("/api/v1/albums").stream()
        .filter(a -> title.equals(a.get("title")))
        .map(a -> (String) a.get("id"))
        .findFirst()
        .orElseThrow();
  }

  private String artistId(String name) {
    return api.items("/api/v1/artists").stream()
        .filter(a -> name.equals(a.get("name")))
        .map(a -> (String) a.get("id"))
        .findFirst()
        .orElseThrow();
  }

  // --- tracks ------------------------------------------------------------------------------

  @Test
  void listsEveryTrackInPathOrderWithTheDocumentedFields() {
    DocumentContext page = api.json("/api/v1/tracks");

    List<Map<String, Object>> items = page.read("$.items");
    assertThat(items)
        .extracting(t -> t.get("path"))
        .containsExactlyElementsOf(LibraryFixtures.demoPaths());
    assertThat(items)
        .allSatisfy(t -> assertThat(t).containsKeys(TRACK_FIELDS.toArray(String[]::new)));
    assertThat(items).extracting(t -> t.get("id")).doesNotHaveDuplicates();
    assertThat(page.<Object>read("$.next")).isNull();
  }

  @Test
  void trackCarriesItsTagsFileAndLinks() throws Exception {
    Map<String, Object> t = api.json("/api/v1/tracks/" + id(FIRST_LIGHT)).read("$");

    assertThat(t)
        .containsEntry("id", id(FIRST_LIGHT))
        .containsEntry("title", "First Light")
        .containsEntry("artist", "Aurora Lane")
        .containsEntry("album", "Dawn Sketches")
        .containsEntry("albumArtist", "Aurora Lane")
        .containsEntry("trackNumber", 1)
        .containsEntry("discNumber", 1)
        .containsEntry("year", 2024)
        .containsEntry("genre", "Ambient")
        .containsEntry("format", "mp3")
        .containsEntry("contentType", "audio/mpeg")
        .containsEntry("path", FIRST_LIGHT)
        .containsEntry("albumId", albumId("Dawn Sketches"))
        .containsEntry("artistId", artistId("Aurora Lane"))
        .containsEntry("artistId", Ids.artist("Aurora Lane"))
        .containsEntry("streamUrl", "/api/v1/tracks/" + id(FIRST_LIGHT) + "/stream")
        .containsEntry("coverUrl", "/api/v1/tracks/" + id(FIRST_LIGHT) + "/cover");
    assertThat(((Number) t.get("durationMs")).longValue()).isCloseTo(14_028L, within(300L));
    assertThat(((Number) t.get("size")).longValue())
        .isEqualTo(Files.size(library.resolve(FIRST_LIGHT)));
    assertThat(((Number) t.get("bitrate")).intValue()).isPositive();
    assertThat(t.get("replayGain"))
        .as("written at test time (ReplayGainFixtures.TAGS)")
        .isEqualTo(
            Map.of(
                "trackGain",
                -6.48,
                "trackPeak",
                0.988553,
                "albumGain",
                -7.1,
                "albumPeak",
                1.02342));
  }

  @Test
  void trackWithoutCoverHasNoCoverUrl() {
    Map<String, Object> t = api.json("/api/v1/tracks/" + id(CAFE_NOCTURNE)).read("$");

    assertThat(t)
        .containsEntry("title", "Café Nocturne — Été")
        .containsEntry("format", "opus")
        .containsEntry("contentType", "audio/ogg")
        .containsEntry("path", CAFE_NOCTURNE);
    assertThat(t.get("coverUrl")).isNull();
    assertThat(((Number) t.get("durationMs")).longValue()).isCloseTo(16_000L, within(300L));
    assertThat(t).as("a file without ReplayGain").doesNotContainKey("replayGain");
  }

  @Test
  void searchIsCaseAndAccentInsensitive() {
    assertThat(titles("q", "cafe")).containsExactly("Café Nocturne — Été");
    assertThat(titles("q", "ÉTÉ")).containsExactly("Café Nocturne — Été");
    assertThat(titles("q", "NOCTURNE")).containsExactly("Café Nocturne — Été");
    assertThat(titles("q", "cafe\u0301"))
        .as("decomposed accent")
        .containsExactly("Café Nocturne — Été");
    assertThat(titles("q", "Ete")).containsExactly("Café Nocturne — Été");
  }

  @Test
  void searchWithSeveralTermsMatchesTracksHavingAllOfThem() {
    assertThat(titles("q", "aurora tide")).containsExactly("Low Water", "Spring Tide");
    assertThat(titles("q", "  morning   FOG ")).containsExactly("Morning Fog");
    assertThat(titles("q", "aurora jazz")).isEmpty();
    assertThat(titles("q", "jazz")).containsExactly("Dorian Walk", "Lydian Rise", "Phrygian Dusk");
  }

  @Test
  void filtersByArtistNameOrId() {
    List<String> aurora =
        List.of("First Light", "Morning Fog", "Café Nocturne — Été", "Low Water", "Spring Tide");
    assertThat(titles("artist", "Aurora Lane")).containsExactlyElementsOf(aurora);
    assertThat(titles("artist", "aurora lane")).containsExactlyElementsOf(aurora);
    assertThat(titles("artist", artistId("Aurora Lane"))).containsExactlyElementsOf(aurora);
    assertThat(titles("artist", artistId("The Quiet Modes")))
        .containsExactly("Dorian Walk", "Lydian Rise", "Phrygian Dusk");
    assertThat(titles("artist", "Nobody")).isEmpty();
  }

  @Test
  void filtersByAlbumGenreYearAndFormat() {
    assertThat(titles("album", "Tides")).containsExactly("Low Water", "Spring Tide");
    assertThat(titles("album", albumId("Tides"))).containsExactly("Low Water", "Spring Tide");
    assertThat(titles("genre", "jazz"))
        .containsExactly("Dorian Walk", "Lydian Rise", "Phrygian Dusk");
    assertThat(titles("year", "2024"))
        .containsExactly("First Light", "Morning Fog", "Café Nocturne — Été");
    assertThat(titles("format", "ogg")).containsExactly("Low Water", "Phrygian Dusk");
    assertThat(titles("format", "OPUS")).containsExactly("Café Nocturne — Été");
    assertThat(titles("format", "m4a")).containsExactly("Spring Tide", "Lydian Rise");
    assertThat(titles("artist", "Aurora Lane", "format", "ogg")).containsExactly("Low Water");
    assertThat(titles("year", "1999")).isEmpty();
  }

  @Test
  void cursorPaginationWalksEveryTrackExactlyOnce() {
    List<String> all = api.items("/api/v1/tracks").stream().map(t -> (String) t.get("id")).toList();

    List<List<Map<String, Object>>> pages = api.pages("/api/v1/tracks", 3);

    assertThat(pages).hasSize(3);
    assertThat(pages).allSatisfy(p -> assertThat(p).hasSizeBetween(1, 3));
    assertThat(pages.stream().flatMap(List::stream).map(t -> t.get("id")).toList())
        .containsExactlyElementsOf(all)
        .hasSize(8);
  }

  @Test
  void lastFullPageHasNoNextCursor() {
    List<List<Map<String, Object>>> pages = api.pages("/api/v1/tracks", 4);

    assertThat(pages).extracting(List::size).containsExactly(4, 4);
  }

  @Test
  void cursorPaginationKeepsTheFilter() {
    List<List<Map<String, Object>>> pages = api.pages("/api/v1/tracks", 2, "artist", "Aurora Lane");

    assertThat(pages.stream().flatMap(List::stream).map(t -> t.get("title")).toList())
        .containsExactly(
            "First Light", "Morning Fog", "Café Nocturne — Été", "Low Water", "Spring Tide");
  }

  @Test
  void albumsAndArtistsPageWithCursorsToo() {
    assertThat(
            api.pages("/api/v1/albums", 1).stream().flatMap(List::stream).map(a -> a.get("title")))
        .containsExactly("Dawn Sketches", "Seven Modes", "Tides");
    assertThat(
            api.pages("/api/v1/artists", 1).stream().flatMap(List::stream).map(a -> a.get("name")))
        .containsExactly("Aurora Lane", "The Quiet Modes");
  }

  @ParameterizedTest(name = "{0}?{1}={2}")
  @CsvSource({
    "/api/v1/tracks, limit, 0",
    "/api/v1/tracks, limit, -1",
    "/api/v1/tracks, limit, 100000",
    "/api/v1/tracks, limit, abc",
    "/api/v1/tracks, limit, 2.5",
    "/api/v1/tracks, cursor, abc",
    "/api/v1/tracks, cursor, %%%",
    "/api/v1/tracks, cursor, not a cursor",
    "/api/v1/tracks, year, abc",
    "/api/v1/tracks, year, 2024x",
    "/api/v1/albums, limit, 0",
    "/api/v1/albums, cursor, ???",
    "/api/v1/artists, limit, many",
  })
  void badParameterIsAProblemNamingIt(String path, String name, String value) {
    DocumentContext problem = api.problem(400, path, name, value);

    assertThat((Integer) problem.read("$.status")).isEqualTo(400);
    assertThat((String) problem.read("$.parameter")).isEqualTo(name);
    assertThat((String) problem.read("$.value")).isEqualTo(value);
    assertThat((String) problem.read("$.detail")).contains("'" + name + "'");
    assertThat((String) problem.read("$.title")).isNotBlank();
    assertThat((String) problem.read("$.type")).endsWith("/invalid-parameter");
    assertThat((String) problem.read("$.instance")).isEqualTo(path);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "/api/v1/tracks/AAAAAAAAAAAAAAAA, AAAAAAAAAAAAAAAA",
    "/api/v1/tracks/nope, nope",
    "/api/v1/tracks/AAAAAAAAAAAAAAAA/cover, AAAAAAAAAAAAAAAA",
    "/api/v1/albums/AAAAAAAAAAAAAAAA, AAAAAAAAAAAAAAAA",
    "/api/v1/artists/AAAAAAAAAAAAAAAA, AAAAAAAAAAAAAAAA",
  })
  void unknownIdIsANotFoundProblem(String path, String id) {
    DocumentContext problem = api.problem(404, path);

    assertThat((Integer) problem.read("$.status")).isEqualTo(404);
    assertThat((String) problem.read("$.id")).isEqualTo(id);
    assertThat((String) problem.read("$.detail")).contains(id);
    assertThat((String) problem.read("$.title")).isNotBlank();
    assertThat((String) problem.read("$.instance")).isEqualTo(path);
  }

  @Test
  void unknownPathIsANotFoundProblem() {
    api.problem(404, "/api/v1/nothing-here");
    api.problem(404, "/index.html");
  }

  @Test
  void oddRequestsAreClientErrorsNeverServerErrors() {
    api.web()
        .delete()
        .uri("/api/v1/tracks")
        .exchange()
        .expectStatus()
        .isEqualTo(405)
        .expectHeader()
        .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    for (String[] query :
        List.of(
            new String[] {"year", ""},
            new String[] {"limit", ""},
            new String[] {"limit", "99999999999999999999"},
            new String[] {"year", "99999999999999999999"},
            new String[] {"cursor", "\u0000"},
            new String[] {"cursor", "AA"})) {
      api.web()
          .get()
          .uri(api.uri("/api/v1/tracks", query))
          .exchange()
          .expectStatus()
          .value(status -> assertThat(status).as(String.join("=", query)).isBetween(200, 499));
    }
    api.web()
        .get()
        .uri(api.uri("/api/v1/tracks", "q", "\u0000 %% ' \" ; DROP"))
        .exchange()
        .expectStatus()
        .isOk();
  }

  @Test
  void problemIsServedToClientsAcceptingOnlyJson() {
    api.web()
        .get()
        .uri(api.uri("/api/v1/tracks", "limit", "0"))
        .accept(MediaType.APPLICATION_JSON)
        .exchange()
        .expectStatus()
        .isBadRequest()
        .expectBody()
        .jsonPath("$.parameter")
        .isEqualTo("limit");
  }

  // --- albums and artists ------------------------------------------------------------------

  @Test
  void listsTheThreeAlbumsWithTrackCountAndCover() {
    List<Map<String, Object>> albums = api.items("/api/v1/albums");

    assertThat(albums)
        .extracting(a -> a.get("title"), a -> a.get("artist"), a -> a.get("trackCount"))
        .containsExactly(
            tuple("Dawn Sketches", "Aurora Lane", 3),
            tuple("Seven Modes", "The Quiet Modes", 3),
            tuple("Tides", "Aurora Lane", 2));
    assertThat(albums)
        .extracting(a -> a.get("coverUrl"))
        .containsExactly(
            "/api/v1/tracks/" + id(FIRST_LIGHT) + "/cover",
            "/api/v1/tracks/" + id(DORIAN_WALK) + "/cover",
            "/api/v1/tracks/" + id(SPRING_TIDE) + "/cover");
    assertThat(albums).extracting(a -> a.get("year")).containsExactly(2024, 2023, 2025);
    assertThat(albums).allSatisfy(a -> assertThat(a.get("tracks")).isNull());
    assertThat(albums)
        .extracting(a -> a.get("artistId"))
        .containsExactly(
            Ids.artist("Aurora Lane"), Ids.artist("The Quiet Modes"), Ids.artist("Aurora Lane"));
  }

  @Test
  void albumListsItsTracksInTrackOrder() {
    Map<String, Object> album = api.json("/api/v1/albums/" + albumId("Dawn Sketches")).read("$");

    assertThat(album)
        .containsEntry("title", "Dawn Sketches")
        .containsEntry("artist", "Aurora Lane")
        .containsEntry("trackCount", 3)
        .containsEntry("genre", "Ambient");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> tracks = (List<Map<String, Object>>) album.get("tracks");
    assertThat(tracks)
        .extracting(t -> t.get("title"), t -> t.get("trackNumber"))
        .containsExactly(
            tuple("First Light", 1), tuple("Morning Fog", 2), tuple("Café Nocturne — Été", 3));
    long sum = tracks.stream().mapToLong(t -> ((Number) t.get("durationMs")).longValue()).sum();
    assertThat(((Number) album.get("durationMs")).longValue()).isEqualTo(sum);
  }

  @Test
  void listsTheTwoArtists() {
    List<Map<String, Object>> artists = api.items("/api/v1/artists");

    assertThat(artists)
        .extracting(a -> a.get("name"), a -> a.get("albumCount"), a -> a.get("trackCount"))
        .containsExactly(tuple("Aurora Lane", 2, 5), tuple("The Quiet Modes", 1, 3));
    assertThat(api.items("/api/v1/artists", "q", "QUIET"))
        .extracting(a -> a.get("name"))
        .containsExactly("The Quiet Modes");
  }

  @Test
  void artistListsItsAlbums() {
    Map<String, Object> artist = api.json("/api/v1/artists/" + artistId("Aurora Lane")).read("$");

    assertThat(artist).containsEntry("name", "Aurora Lane").containsEntry("trackCount", 5);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> albums = (List<Map<String, Object>>) artist.get("albums");
    assertThat(albums).extracting(a -> a.get("title")).containsExactly("Dawn Sketches", "Tides");
    assertThat(albums)
        .extracting(a -> a.get("id"))
        .containsExactly(albumId("Dawn Sketches"), albumId("Tides"));
  }

  @Test
  void albumsFilterByArtistAndSearch() {
    assertThat(api.items("/api/v1/albums", "artist", "aurora lane"))
        .extracting(a -> a.get("title"))
        .containsExactly("Dawn Sketches", "Tides");
    assertThat(api.items("/api/v1/albums", "artist", artistId("The Quiet Modes")))
        .extracting(a -> a.get("title"))
        .containsExactly("Seven Modes");
    assertThat(api.items("/api/v1/albums", "q", "dawn"))
        .extracting(a -> a.get("title"))
        .containsExactly("Dawn Sketches");
  }

  // --- covers ------------------------------------------------------------------------------

  @Test
  void coverIsTheEmbeddedPng() throws Exception {
    for (String path : List.of(FIRST_LIGHT, SPRING_TIDE, LibraryFixtures.MORNING_FOG)) {
      byte[] embedded =
          AudioFileIO.read(library.resolve(path).toFile())
              .getTag()
              .getFirstArtwork()
              .getBinaryData();

      byte[] served =
          api.web()
              .get()
              .uri("/api/v1/tracks/" + id(path) + "/cover")
              .exchange()
              .expectStatus()
              .isOk()
              .expectHeader()
              .contentType(MediaType.IMAGE_PNG)
              .expectBody()
              .returnResult()
              .getResponseBody();

      assertThat(served).as(path).isEqualTo(embedded);
    }
  }

  @Test
  void coverFallsBackToTheFolderImage() {
    Map<String, Object> track = api.json("/api/v1/tracks/" + id(PHRYGIAN_DUSK)).read("$");
    assertThat(track).containsEntry("coverUrl", null);

    byte[] served =
        api.web()
            .get()
            .uri("/api/v1/tracks/" + id(PHRYGIAN_DUSK) + "/cover")
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentType(MediaType.IMAGE_JPEG)
            .expectBody()
            .returnResult()
            .getResponseBody();

    assertThat(served).isEqualTo(FOLDER_JPEG);
  }

  @Test
  void trackWithoutCoverHasANotFoundProblemAsCover() {
    DocumentContext problem = api.problem(404, "/api/v1/tracks/" + id(LOW_WATER) + "/cover");

    assertThat((String) problem.read("$.id")).isEqualTo(id(LOW_WATER));
    assertThat((String) problem.read("$.type")).endsWith("/no-cover");
    assertThat((String) problem.read("$.detail"))
        .as("the folder's cover.png links out of the library and is not served")
        .doesNotContain("secret");
  }

  // --- library -----------------------------------------------------------------------------

  @Test
  void libraryShowsCountsAndTheLastScanWithSkippedFiles() {
    Map<String, Object> state = api.json("/api/v1/library").read("$");

    assertThat(state)
        .containsEntry("tracks", 8)
        .containsEntry("albums", 3)
        .containsEntry("artists", 2)
        .containsEntry("scanning", false);
    @SuppressWarnings("unchecked")
    Map<String, Object> scan = (Map<String, Object>) state.get("lastScan");
    assertThat(scan)
        .containsEntry("files", 9)
        .containsEntry("skipped", 1)
        .containsEntry("ignored", 3)
        .containsKeys("startedAt", "durationMs", "added", "changed", "removed");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> skipped = (List<Map<String, Object>>) scan.get("skippedFiles");
    assertThat(skipped)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s).containsEntry("path", CORRUPT);
              assertThat((String) s.get("reason")).isNotBlank();
            });
  }

  @Test
  void scanRequestIsAcceptedAndRunsARescan() {
    Object before = api.json("/api/v1/library").read("$.lastScan.startedAt");

    api.web()
        .post()
        .uri("/api/v1/library/scan")
        .exchange()
        .expectStatus()
        .isAccepted()
        .expectBody()
        .jsonPath("$.tracks")
        .isEqualTo(8)
        .jsonPath("$.scan.status")
        .isEqualTo("started")
        .jsonPath("$.scan.id")
        .isNumber();

    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(20))
        .until(
            () -> api.json("/api/v1/library").read("$.lastScan"),
            scan -> scan != null && !Objects.equals(((Map<?, ?>) scan).get("startedAt"), before));
    Map<String, Object> scan = api.json("/api/v1/library").read("$.lastScan");
    assertThat(scan)
        .containsEntry("added", 0)
        .containsEntry("changed", 0)
        .containsEntry("removed", 0)
        .containsEntry("skipped", 1);
    assertThat(api.items("/api/v1/tracks")).hasSize(8);
  }
}
