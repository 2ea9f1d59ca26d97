package dev.cadenza.stream.account;

import static dev.cadenza.stream.account.AccountTestApp.admin;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Deleting a user through the admin API purges everything it had in the {@link ItemStore}, at once:
 * its web sessions (keyed by a token hash that names no user), API keys, stars, plays, play queue,
 * now-playing report and playlists (in partitions shared with other users), while another user's
 * items stay. Run against each store by its subclasses.
 */
abstract class UserDeletionContract {

  /** The service under test, authentication on, with a library of at least one track. */
  abstract TestApp app();

  @Test
  void deletingAUserPurgesItsSessionsKeysAndMusicDataAndNothingOfAnotherUsers() throws Exception {
    AccountHttp http = new AccountHttp(app().port());
    ItemStore store = app().app().getBean(ItemStore.class);
    String trackId = app().app().getBean(Library.class).catalog().tracks().get(0).id();

    Listener doomed = listenerWithEverything(http, "doomed-" + System.nanoTime(), trackId);
    Listener kept = listenerWithEverything(http, "kept-" + System.nanoTime(), trackId);
    for (Listener l : List.of(doomed, kept)) {
      assertThat(store.query(User.partition(l.id), "", null, 100).collectList().block())
          .as("the listener's own items")
          .extracting(Item::sk)
          .contains("profile", "queue")
          .anySatisfy(sk -> assertThat(sk).startsWith("annotation#track#"))
          .anySatisfy(sk -> assertThat(sk).startsWith("scrobble#"))
          .anySatisfy(sk -> assertThat(sk).startsWith("key#"))
          .anySatisfy(sk -> assertThat(sk).startsWith("websession#"));
      assertThat(webSession(store, l.cookie)).isPresent();
    }

    Answer deleted = http.delete("/api/v1/users/" + doomed.username, admin());
    assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);

    // refused, and gone from the store rather than left to expire
    assertThat(getMe(doomed.cookie).statusCode()).isEqualTo(401);
    assertThat(http.get("/api/v1/me", AccountHttp.bearer(doomed.apiKey)).status()).isEqualTo(401);
    assertThat(webSession(store, doomed.cookie)).isEmpty();
    assertThat(store.query(User.partition(doomed.id), "", null, 100).collectList().block())
        .isEmpty();
    assertThat(store.get("apikey#" + ApiKeys.sha256(doomed.apiKey), "key").block()).isEmpty();
    assertThat(store.query("playlists", "", null, 1000).collectList().block())
        .noneMatch(h -> h.get("owner").orElse("").equals(doomed.id));
    assertThat(store.query("playlist#" + doomed.playlistId, "", null, 100).collectList().block())
        .isEmpty();
    assertThat(store.query("now-playing", doomed.id + "#", null, 100).collectList().block())
        .isEmpty();

    // the other listener keeps all of it
    assertThat(getMe(kept.cookie).statusCode()).isEqualTo(200);
    assertThat(webSession(store, kept.cookie)).isPresent();
    assertThat(store.get("playlists", kept.playlistId).block()).isPresent();
    assertThat(store.query("now-playing", kept.id + "#", null, 100).collectList().block())
        .hasSize(1);
    assertThat(store.query(User.partition(kept.id), "", null, 100).collectList().block())
        .hasSizeGreaterThanOrEqualTo(6);
  }

  /** A listener signed in by cookie, with an API key, a star, a play, a queue, a playlist. */
  record Listener(String username, String id, String cookie, String apiKey, String playlistId) {}

  private Listener listenerWithEverything(AccountHttp http, String username, String trackId) {
    String password = username + "-password";
    Answer created =
        http.json(
            "POST",
            "/api/v1/users",
            admin(),
            Map.of("username", username, "password", password, "role", "user"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().get("id").asString();
    String basic = AccountHttp.basic(username, password);

    HttpResponse<String> login =
        new TestHttp(app().port())
            .send(
                "POST",
                "/api/v1/auth/session",
                AccountHttp.JSON.writeValueAsString(
                    Map.of("username", username, "password", password)),
                "Content-Type",
                "application/json");
    assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
    String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));

    Answer key = http.json("POST", "/api/v1/me/keys", basic, Map.of("name", "phone"));
    assertThat(key.status()).as(key.body()).isEqualTo(201);
    ok(http.send("PUT", "/api/v1/me/stars/track/" + trackId, basic, null, null));
    ok(http.json("POST", "/api/v1/me/scrobbles", basic, Map.of("trackId", trackId)));
    ok(
        http.json(
            "POST",
            "/api/v1/me/scrobbles",
            basic,
            Map.of("trackId", trackId, "submission", false)));
    ok(http.json("PUT", "/api/v1/me/queue", basic, Map.of("trackIds", List.of(trackId))));
    Answer playlist =
        http.json(
            "POST",
            "/api/v1/playlists",
            basic,
            Map.of("name", "Mine", "public", true, "trackIds", List.of(trackId)));
    assertThat(playlist.status()).as(playlist.body()).isEqualTo(201);
    return new Listener(
        username,
        id,
        cookie,
        key.json().get("key").asString(),
        playlist.json().get("id").asString());
  }

  private HttpResponse<String> getMe(String cookie) {
    return new TestHttp(app().port()).send("GET", "/api/v1/me", null, "Cookie", cookie);
  }

  private static void ok(Answer answer) {
    assertThat(answer.status()).as(answer.body()).isBetween(200, 299);
  }

  /** The web session's item, found as WebSessions keys it: by the SHA-256 of the cookie's token. */
  private static Optional<Item> webSession(ItemStore store, String cookie) throws Exception {
    String token = cookie.substring(cookie.indexOf('=') + 1);
    String hash =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.US_ASCII)));
    return store.get("websession#" + hash, "session").block();
  }
}
