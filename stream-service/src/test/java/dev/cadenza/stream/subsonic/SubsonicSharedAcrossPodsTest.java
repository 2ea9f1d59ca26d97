package dev.cadenza.stream.subsonic;

import static dev.cadenza.stream.subsonic.SubsonicClient.array;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two stream service instances sharing one DynamoDB (dynalite on loopback), as two pods behind a
 * load balancer: a user made on one pod, and the stars, rating, plays, now playing, playlist and
 * play queue they make through {@code /rest} on one pod, are what {@code /rest} answers on the
 * other (token authentication included: both pods have the same secret key). Two contexts cannot
 * share one embedded data directory (its file is locked), so the users table is the shared store.
 * Each pod remembers verified credentials for {@link #CACHE_TTL}, so that a change to a user made
 * on one pod reaches the other's listeners within a test.
 */
@ExtendWith(DynaliteExtension.class)
class SubsonicSharedAcrossPodsTest {

  static final String FIRST = Ids.track(LibraryFixtures.FIRST_LIGHT);
  static final String FOG = Ids.track(LibraryFixtures.MORNING_FOG);
  static final String DORIAN = Ids.track(LibraryFixtures.DORIAN_WALK);
  static final Duration CACHE_TTL = Duration.ofSeconds(3);

  @TempDir static Path tmp;
  static TestApp a;
  static TestApp b;
  static SubsonicClient onA;
  static SubsonicClient onB;
  static String user;

  @BeforeAll
  static void start(Dynalite dynalite) throws Exception {
    Path library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    String prefix = "subsonic" + ThreadLocalRandom.current().nextInt(1_000_000);
    String secretKey = AccountTestApp.secretKey();
    a = pod(library, dynalite, prefix, secretKey, "a");
    b = pod(library, dynalite, prefix, secretKey, "b");
    onA = new SubsonicClient(a.port(), a.managementPort());
    onB = new SubsonicClient(b.port(), b.managementPort());
    user = new SubsonicUsers(a.port()).create("pods");
  }

  static TestApp pod(Path library, Dynalite dynalite, String prefix, String key, String name)
      throws Exception {
    return AccountTestApp.startSharing(
        library,
        dynalite,
        prefix,
        key,
        tmp.resolve("data-" + name),
        "--cadenza.auth.verified-cache-ttl=" + CACHE_TTL.toSeconds() + "s");
  }

  @AfterAll
  static void stop() {
    for (TestApp app : new TestApp[] {a, b}) {
      if (app != null) {
        app.app().close();
      }
    }
  }

  static DocumentContext call(SubsonicClient pod, String method, String... params) {
    return pod.jsonAs(user, SubsonicUsers.PASSWORD, method, params);
  }

  /** Token authentication ({@code t} and {@code s}), which needs the shared secret key. */
  static DocumentContext withToken(SubsonicClient pod, String method, String... params) {
    String salt = "s" + ThreadLocalRandom.current().nextInt(1_000_000);
    String[] auth = {
      "u", user, "t", TestListeners.md5(SubsonicUsers.PASSWORD + salt), "s", salt, "f", "json"
    };
    return pod.jsonAt(pod.raw(method, SubsonicClient.join(auth, params)));
  }

  static int maxBitRate(SubsonicClient pod, String username) {
    return pod.jsonAs(username, SubsonicUsers.PASSWORD, "getUser")
        .read("$.user.maxBitRate", Integer.class);
  }

  static void ok(DocumentContext r) {
    assertThat(r.read("$.status", String.class)).as(r.jsonString()).isEqualTo("ok");
  }

  @Test
  void whatAUserMakesThroughOnePodIsWhatTheOtherPodAnswers() {
    String album = call(onA, "getSong", "id", FIRST).read("$.song.albumId", String.class);
    ok(call(onA, "star", "id", FIRST, "albumId", album));
    ok(call(onA, "setRating", "id", FIRST, "rating", "3"));
    ok(call(onA, "scrobble", "id", FOG));
    ok(call(onA, "scrobble", "id", DORIAN, "submission", "false", "c", "Pod A Player"));
    String playlist =
        call(onA, "createPlaylist", "name", "Across", "songId", FIRST, "songId", FOG)
            .read("$.playlist.id", String.class);
    ok(call(onA, "savePlayQueue", "id", FOG, "id", DORIAN, "current", DORIAN, "position", "777"));

    DocumentContext starred = withToken(onB, "getStarred2");
    assertThat(array(starred, "$.starred2.song[*].id")).containsExactly(FIRST);
    assertThat(array(starred, "$.starred2.album[*].id")).containsExactly(album);
    DocumentContext song = call(onB, "getSong", "id", FIRST);
    assertThat(song.read("$.song.userRating", Integer.class)).isEqualTo(3);
    assertThat(song.read("$.song.starred", String.class)).isNotNull();
    assertThat(call(onB, "getSong", "id", FOG).read("$.song.playCount", Integer.class))
        .isEqualTo(1);
    assertThat(
            array(
                call(onB, "getNowPlaying"),
                "$.nowPlaying.entry[?(@.username == '" + user + "')].playerName"))
        .containsExactly("Pod A Player");

    assertThat(array(call(onB, "getPlaylists"), "$.playlists.playlist[*].id"))
        .containsExactly(playlist);
    assertThat(array(call(onB, "getPlaylist", "id", playlist), "$.playlist.entry[*].id"))
        .containsExactly(FIRST, FOG);
    DocumentContext queue = withToken(onB, "getPlayQueue");
    assertThat(array(queue, "$.playQueue.entry[*].id")).containsExactly(FOG, DORIAN);
    assertThat(queue.read("$.playQueue.current", String.class)).isEqualTo(DORIAN);
    assertThat(queue.read("$.playQueue.position", Long.class)).isEqualTo(777L);

    // and back: a change through B is what A answers
    ok(call(onB, "updatePlaylist", "playlistId", playlist, "songIdToAdd", DORIAN));
    ok(call(onB, "unstar", "id", FIRST));
    assertThat(array(call(onA, "getPlaylist", "id", playlist), "$.playlist.entry[*].id"))
        .containsExactly(FIRST, FOG, DORIAN);
    assertThat(array(call(onA, "getStarred2"), "$.starred2.song[*].id")).isEmpty();
    ok(call(onB, "deletePlaylist", "id", playlist));
    SubsonicClient.assertFailed(call(onA, "getPlaylist", "id", playlist), 70);
  }

  /**
   * A limit set through pod A reaches A's listeners at once (the change forgets the user's verified
   * credentials there) and B's once B's remembered credentials expire.
   */
  @Test
  void aMaximumBitRateSetOnOnePodReachesTheOthersListenersWithinTheCacheTtl() {
    SubsonicUsers users = new SubsonicUsers(a.port());
    String capped = users.create("capped");
    // both pods now remember the user's password with no limit
    assertThat(maxBitRate(onA, capped)).isZero();
    assertThat(maxBitRate(onB, capped)).isZero();

    users.limit(capped, 160);

    assertThat(maxBitRate(onA, capped)).isEqualTo(160);
    await()
        .atMost(CACHE_TTL.multipliedBy(10))
        .untilAsserted(() -> assertThat(maxBitRate(onB, capped)).isEqualTo(160));
  }
}
