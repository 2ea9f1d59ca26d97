package dev.cadenza.stream.listening;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.cadenza.protocol.Api;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** The native API of listeners' data over HTTP, each request acting for a test listener. */
class ListeningApiTest {

  @TempDir static Path library;
  static TestApp app;
  static WebTestClient http;
  static List<String> tracks;
  static String album;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("a/one.wav"), 176_400, 1);
    TestAudio.wav(library.resolve("a/two.wav"), 176_400, 2);
    TestAudio.wav(library.resolve("b/three.wav"), 176_400, 3);
    app = TestApp.start(library, ListenerFromHeader.SOURCE);
    http =
        WebTestClient.bindToServer(
                new ReactorClientHttpConnector(
                    HttpClient.create(ConnectionProvider.newConnection())))
            .baseUrl("http://127.0.0.1:" + app.port())
            .responseTimeout(Duration.ofSeconds(30))
            .build();
    var catalog = app.app().getBean(Library.class).catalog();
    tracks = catalog.tracks().stream().map(Track::id).toList();
    album = catalog.albumIdOf(catalog.tracks().get(0));
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  /** A request as {@code user}; {@code body} (JSON) may be null. */
  static EntityExchangeResult<byte[]> call(
      String user, HttpMethod method, String path, String body, String... headers) {
    var spec = http.method(method).uri(path).header(ListenerFromHeader.HEADER, user);
    for (int i = 0; i < headers.length; i += 2) {
      spec = spec.header(headers[i], headers[i + 1]);
    }
    WebTestClient.RequestHeadersSpec<?> ready =
        body == null ? spec : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
    return ready.exchange().expectBody().returnResult();
  }

  static DocumentContext json(EntityExchangeResult<byte[]> r) {
    byte[] body = r.getResponseBody();
    return JsonPath.parse(body == null ? "null" : new String(body, StandardCharsets.UTF_8));
  }

  static DocumentContext ok(EntityExchangeResult<byte[]> r) {
    assertThat(r.getStatus().value())
        .as(new String(bytes(r), StandardCharsets.UTF_8))
        .isBetween(200, 201);
    return json(r);
  }

  static byte[] bytes(EntityExchangeResult<byte[]> r) {
    return r.getResponseBody() == null ? new byte[0] : r.getResponseBody();
  }

  /** The answer must be a problem with {@code status}; its body. */
  static DocumentContext problem(int status, EntityExchangeResult<byte[]> r) {
    assertThat(r.getStatus().value()).isEqualTo(status);
    assertThat(r.getResponseHeaders().getContentType().toString())
        .startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
    return json(r);
  }

  // --- stars, ratings, annotations -----------------------------------------------------------

  @Test
  void starsAreSetListedAndRemoved() {
    String t = tracks.get(1);
    DocumentContext starred = ok(call("stars", HttpMethod.PUT, Api.MY_STARS + "/track/" + t, null));
    assertThat(starred.read("$.starredAt", String.class)).isNotNull();
    assertThat(starred.read("$.track.id", String.class)).isEqualTo(t);
    ok(call("stars", HttpMethod.PUT, Api.MY_STARS + "/album/" + album, null));

    DocumentContext list = ok(call("stars", HttpMethod.GET, Api.MY_STARS + "?kind=track", null));
    assertThat(list.read("$.items[*].id", List.class)).containsExactly(t);
    assertThat(list.read("$.nextOffset", Integer.class)).isNull();
    assertThat(
            ok(call("stars", HttpMethod.GET, Api.MY_STARS + "?kind=album", null))
                .read("$.items[0].album.id", String.class))
        .isEqualTo(album);
    assertThat(
            ok(call("other", HttpMethod.GET, Api.MY_STARS + "?kind=track", null))
                .read("$.items", List.class))
        .isEmpty();

    assertThat(
            call("stars", HttpMethod.DELETE, Api.MY_STARS + "/track/" + t, null)
                .getStatus()
                .value())
        .isEqualTo(204);
    assertThat(
            ok(call("stars", HttpMethod.GET, Api.MY_STARS + "?kind=track", null))
                .read("$.items", List.class))
        .isEmpty();
  }

  /**
   * A page of 500 ids (the limit) fits the request line: about 9 KB of URL, not a 414. (Ids the
   * catalogue does not have, so that the answer stays small.)
   */
  @Test
  void annotationsOfAFullPageOfIdsAreAnswered() {
    List<String> ids = new ArrayList<>(tracks);
    while (ids.size() < 500) {
      ids.add(String.format("%016d", ids.size()));
    }
    String path = Api.MY_ANNOTATIONS + "?kind=track&ids=" + String.join(",", ids);
    assertThat(path.length()).isGreaterThan(8_000);

    DocumentContext page = ok(call("pager", HttpMethod.GET, path, null));

    assertThat(page.read("$.items[*].id", List.class)).hasSize(500);
  }

  @Test
  void aRatingIsSetReadBackWithTheItemAndCleared() {
    String t = tracks.get(2);
    ok(call("rater", HttpMethod.PUT, Api.MY_RATINGS + "/track/" + t, "{\"rating\":4}"));
    DocumentContext a = ok(call("rater", HttpMethod.GET, Api.MY_ANNOTATIONS + "/track/" + t, null));
    assertThat(a.read("$.rating", Integer.class)).isEqualTo(4);
    DocumentContext page =
        ok(
            call(
                "rater",
                HttpMethod.GET,
                Api.MY_ANNOTATIONS + "?kind=track&ids=" + tracks.get(0) + "," + t,
                null));
    assertThat(page.read("$.items[*].rating", List.class)).containsExactly(0, 4);
    assertThat(
            ok(call("rater", HttpMethod.GET, Api.MY_RATINGS + "?kind=track", null))
                .read("$.items[*].id", List.class))
        .containsExactly(t);

    problem(400, call("rater", HttpMethod.PUT, Api.MY_RATINGS + "/track/" + t, "{\"rating\":9}"));
    problem(
        400, call("rater", HttpMethod.PUT, Api.MY_RATINGS + "/track/" + t, "{\"rating\":\"4\"}"));
    assertThat(
            call("rater", HttpMethod.DELETE, Api.MY_RATINGS + "/track/" + t, null)
                .getStatus()
                .value())
        .isEqualTo(204);
    assertThat(
            ok(call("rater", HttpMethod.GET, Api.MY_ANNOTATIONS + "/track/" + t, null))
                .read("$.rating", Integer.class))
        .isEqualTo(0);
  }

  @Test
  void badInputIsAProblemNeverA500() {
    problem(404, call("bad", HttpMethod.PUT, Api.MY_STARS + "/track/AAAAAAAAAAAAAAAA", null));
    problem(400, call("bad", HttpMethod.PUT, Api.MY_STARS + "/song/" + tracks.get(0), null));
    problem(400, call("bad", HttpMethod.GET, Api.MY_STARS, null));
    problem(400, call("bad", HttpMethod.GET, Api.MY_STARS + "?kind=track&limit=0", null));
    problem(400, call("bad", HttpMethod.GET, Api.MY_PLAYS + "?kind=album&order=loudest", null));
    problem(400, call("bad", HttpMethod.POST, Api.MY_SCROBBLES, "{\"trackId\":"));
    problem(400, call("bad", HttpMethod.POST, Api.MY_SCROBBLES, "{\"track\":\"x\"}"));
    problem(404, call("bad", HttpMethod.GET, Api.playlist("nope"), null));
    var notJson =
        http.post()
            .uri(Api.PLAYLISTS)
            .header(ListenerFromHeader.HEADER, "bad")
            .contentType(MediaType.TEXT_PLAIN)
            .bodyValue("name=x")
            .exchange()
            .expectBody()
            .returnResult();
    problem(415, notJson);
    // without credentials these routes answer 401 like every other one off the public list:
    // EveryRouteNeedsCredentialsTest, with authentication on (it is off here)
  }

  // --- plays and now playing -----------------------------------------------------------------

  @Test
  void aPlayIsCountedOnceAndNowPlayingIsSeenByOthers() {
    String t = tracks.get(0);
    String body =
        "{\"trackId\":\""
            + t
            + "\",\"time\":"
            + (System.currentTimeMillis() - 60_000)
            + ",\"client\":\"DSub\"}";
    assertThat(
            ok(call("player", HttpMethod.POST, Api.MY_SCROBBLES, body))
                .read("$.counted", Boolean.class))
        .isTrue();
    assertThat(
            ok(call("player", HttpMethod.POST, Api.MY_SCROBBLES, body))
                .read("$.counted", Boolean.class))
        .isFalse();
    assertThat(
            ok(call("player", HttpMethod.GET, Api.MY_ANNOTATIONS + "/track/" + t, null))
                .read("$.playCount", Integer.class))
        .isEqualTo(1);
    assertThat(
            ok(call("player", HttpMethod.GET, Api.MY_PLAYS + "?kind=album&order=recent", null))
                .read("$.items[*].id", List.class))
        .containsExactly(album);
    assertThat(
            ok(call("player", HttpMethod.GET, Api.MY_SCROBBLES, null))
                .read("$.items[*].client", List.class))
        .containsExactly("DSub");

    ok(
        call(
            "player",
            HttpMethod.POST,
            Api.MY_SCROBBLES,
            "{\"trackId\":\"" + t + "\",\"submission\":false,\"client\":\"DSub\"}"));
    DocumentContext now = ok(call("someone-else", HttpMethod.GET, Api.NOW_PLAYING, null));
    assertThat(now.read("$.items[?(@.username == 'player')].trackId", List.class))
        .containsExactly(t);
  }

  // --- the play queue ------------------------------------------------------------------------

  @Test
  void theQueueFollowsTheListenerAcrossDevices() {
    assertThat(ok(call("mover", HttpMethod.GET, Api.MY_QUEUE, null)).read("$.entries", List.class))
        .isEmpty();
    String body =
        "{\"trackIds\":[\""
            + tracks.get(0)
            + "\",\""
            + tracks.get(1)
            + "\"],\"current\":\""
            + tracks.get(1)
            + "\",\"positionMs\":12345,\"client\":\"phone\"}";
    ok(call("mover", HttpMethod.PUT, Api.MY_QUEUE, body));
    DocumentContext q = ok(call("mover", HttpMethod.GET, Api.MY_QUEUE, null));
    assertThat(q.read("$.entries[*].trackId", List.class))
        .containsExactly(tracks.get(0), tracks.get(1));
    assertThat(q.read("$.entries[1].track.id", String.class)).isEqualTo(tracks.get(1));
    assertThat(q.read("$.current", String.class)).isEqualTo(tracks.get(1));
    assertThat(q.read("$.positionMs", Integer.class)).isEqualTo(12345);
    assertThat(q.read("$.changedBy", String.class)).isEqualTo("phone");
    problem(
        400, call("mover", HttpMethod.PUT, Api.MY_QUEUE, "{\"trackIds\":[],\"positionMs\":-1}"));
  }

  // --- playlists -----------------------------------------------------------------------------

  @Test
  void aPlaylistIsCreatedEditedWithETagsAndDeletedByItsOwnerOnly() {
    var created =
        call(
            "owner",
            HttpMethod.POST,
            Api.PLAYLISTS,
            "{\"name\":\"Road\",\"public\":true,\"trackIds\":[\"" + tracks.get(0) + "\"]}");
    DocumentContext p = ok(created);
    assertThat(created.getStatus().value()).isEqualTo(201);
    String id = p.read("$.id");
    assertThat(created.getResponseHeaders().getLocation().getPath()).isEqualTo(Api.playlist(id));
    assertThat(created.getResponseHeaders().getETag()).isEqualTo("\"1\"");
    assertThat(p.read("$.public", Boolean.class)).isTrue();
    assertThat(p.read("$.owner", String.class)).isEqualTo("owner");

    // entries: append two, insert one at the front, move the last to index 1, remove index 0
    String entries = Api.playlistEntries(id);
    ok(
        call(
            "owner",
            HttpMethod.POST,
            entries,
            "{\"trackIds\":[\"" + tracks.get(1) + "\",\"" + tracks.get(2) + "\"]}"));
    ok(
        call(
            "owner",
            HttpMethod.POST,
            entries,
            "{\"trackIds\":[\"" + tracks.get(2) + "\"],\"index\":0}"));
    ok(call("owner", HttpMethod.PATCH, entries + "/3", "{\"index\":1}"));
    var removed = call("owner", HttpMethod.DELETE, entries + "/0", null, "If-Match", "\"4\"");
    assertThat(ok(removed).read("$.entries[*].trackId", List.class))
        .containsExactly(tracks.get(2), tracks.get(0), tracks.get(1));
    assertThat(removed.getResponseHeaders().getETag()).isEqualTo("\"5\"");

    // a stale If-Match is 412 with the current ETag; If-None-Match the current one is 304
    var stale =
        call(
            "owner",
            HttpMethod.PATCH,
            Api.playlist(id),
            "{\"name\":\"Stale\"}",
            "If-Match",
            "\"4\"");
    problem(412, stale);
    assertThat(stale.getResponseHeaders().getETag()).isEqualTo("\"5\"");
    assertThat(
            call("owner", HttpMethod.GET, Api.playlist(id), null, "If-None-Match", "\"5\"")
                .getStatus()
                .value())
        .isEqualTo(304);
    DocumentContext renamed =
        ok(
            call(
                "owner",
                HttpMethod.PATCH,
                Api.playlist(id),
                "{\"name\":\"Road trip\",\"comment\":\"summer\"}",
                "If-Match",
                "\"5\""));
    assertThat(renamed.read("$.name", String.class)).isEqualTo("Road trip");
    ok(call("owner", HttpMethod.PUT, entries, "{\"trackIds\":[\"" + tracks.get(1) + "\"]}"));

    // others read it (public) but do not change it
    DocumentContext seen = ok(call("guest", HttpMethod.GET, Api.playlist(id), null));
    assertThat(seen.read("$.entries[*].trackId", List.class)).containsExactly(tracks.get(1));
    assertThat(
            ok(call("guest", HttpMethod.GET, Api.PLAYLISTS, null))
                .read("$.items[*].id", List.class))
        .contains(id);
    problem(403, call("guest", HttpMethod.DELETE, Api.playlist(id), null));
    problem(400, call("owner", HttpMethod.DELETE, entries + "/7", null));
    problem(400, call("owner", HttpMethod.DELETE, entries + "/x", null));
    problem(404, call("owner", HttpMethod.POST, entries, "{\"trackIds\":[\"AAAAAAAAAAAAAAAA\"]}"));

    // private: others do not see it at all
    ok(call("owner", HttpMethod.PATCH, Api.playlist(id), "{\"public\":false}"));
    problem(404, call("guest", HttpMethod.GET, Api.playlist(id), null));
    assertThat(
            ok(call("guest", HttpMethod.GET, Api.PLAYLISTS, null))
                .read("$.items[*].id", List.class))
        .doesNotContain(id);

    assertThat(call("owner", HttpMethod.DELETE, Api.playlist(id), null).getStatus().value())
        .isEqualTo(204);
    problem(404, call("owner", HttpMethod.GET, Api.playlist(id), null));
  }
}
