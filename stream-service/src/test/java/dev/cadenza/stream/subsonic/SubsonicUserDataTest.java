package dev.cadenza.stream.subsonic;

import static dev.cadenza.stream.subsonic.SubsonicClient.array;
import static dev.cadenza.stream.subsonic.SubsonicClient.assertFailed;
import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Each user's music data through {@code /rest}, as real accounts (authentication on, users made
 * through the admin API): stars, ratings, plays and now playing, the album lists they rank, the
 * play queue, playlists, users; every endpoint's errors (70 unknown ids, 50 someone else's
 * playlist, 10 missing parameters, 0 bad values, never HTTP 5xx); two users' data kept apart.
 */
class SubsonicUserDataTest {

  static final String FIRST = Ids.track(LibraryFixtures.FIRST_LIGHT);
  static final String FOG = Ids.track(LibraryFixtures.MORNING_FOG);
  static final String LOW_WATER = Ids.track(LibraryFixtures.LOW_WATER);
  static final String DORIAN = Ids.track(LibraryFixtures.DORIAN_WALK);
  static final String GONE_PATH = "Gone/Soon/01 Gone.flac";
  static final String GONE = Ids.track(GONE_PATH);
  static final String UNKNOWN = "AAAAAAAAAAAAAAAA";
  static final String NS = "http://subsonic.org/restapi";

  @TempDir static Path tmp;
  static Path library;
  static TestApp app;
  static SubsonicClient api;
  static SubsonicUsers users;

  @BeforeAll
  static void start() throws Exception {
    library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    SubsonicFixtures.withLyrics(library, LibraryFixtures.MORNING_FOG, GONE_PATH, "Gone", "x");
    app =
        AccountTestApp.start(
            library,
            tmp.resolve("data"),
            "--cadenza.auth.failed-logins.max-failures-per-address=1000");
    api = new SubsonicClient(app.port(), app.managementPort());
    users = new SubsonicUsers(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static DocumentContext as(String user, String method, String... params) {
    return api.jsonAs(user, SubsonicUsers.PASSWORD, method, params);
  }

  static void ok(DocumentContext r) {
    assertThat(r.read("$.status", String.class)).as(r.jsonString()).isEqualTo("ok");
  }

  static String albumOf(String user, String trackId) {
    return as(user, "getSong", "id", trackId).read("$.song.albumId", String.class);
  }

  static String artistOf(String user, String trackId) {
    return as(user, "getSong", "id", trackId).read("$.song.artistId", String.class);
  }

  @Test
  void starsRatingsAndPlaysShowOnSongsAlbumsAndArtistsForTheirUserOnly() {
    String ann = users.create("ann");
    String album = albumOf(ann, FIRST);
    String artist = artistOf(ann, FIRST);
    Instant before = Instant.now().minusSeconds(1);
    ok(as(ann, "star", "id", FIRST, "albumId", album, "artistId", artist));
    ok(as(ann, "setRating", "id", FIRST, "rating", "4"));
    ok(as(ann, "setRating", "id", album, "rating", "5"));
    ok(as(ann, "scrobble", "id", FIRST, "time", Long.toString(before.toEpochMilli())));

    DocumentContext song = as(ann, "getSong", "id", FIRST);
    assertThat(Instant.parse(song.read("$.song.starred", String.class))).isAfter(before);
    assertThat(song.read("$.song.userRating", Integer.class)).isEqualTo(4);
    assertThat(song.read("$.song.playCount", Integer.class)).isEqualTo(1);
    assertThat(Instant.parse(song.read("$.song.played", String.class)))
        .isEqualTo(Instant.ofEpochMilli(before.toEpochMilli()));

    DocumentContext albumPage = as(ann, "getAlbum", "id", album);
    assertThat(albumPage.read("$.album.starred", String.class)).isNotNull();
    assertThat(albumPage.read("$.album.userRating", Integer.class)).isEqualTo(5);
    assertThat(albumPage.read("$.album.playCount", Integer.class)).isEqualTo(1);
    assertThat(albumPage.read("$.album.played", String.class)).isNotNull();
    assertThat(albumPage.read("$.album.song[0].starred", String.class)).isNotNull();
    assertThat(as(ann, "getArtist", "id", artist).read("$.artist.starred", String.class))
        .isNotNull();
    assertThat(as(ann, "getMusicDirectory", "id", album).read("$.directory.starred", String.class))
        .isNotNull();

    DocumentContext starred2 = as(ann, "getStarred2");
    assertThat(array(starred2, "$.starred2.song[*].id")).containsExactly(FIRST);
    assertThat(array(starred2, "$.starred2.album[*].id")).containsExactly(album);
    assertThat(array(starred2, "$.starred2.artist[*].id")).containsExactly(artist);
    DocumentContext starred = as(ann, "getStarred");
    assertThat(array(starred, "$.starred.song[*].id")).containsExactly(FIRST);
    assertThat(array(starred, "$.starred.album[*].isDir")).containsExactly(true);
    assertThat(array(starred, "$.starred.artist[*].name")).hasSize(1);

    // another user sees none of it
    String ben = users.create("ben");
    DocumentContext bens = as(ben, "getSong", "id", FIRST);
    assertThat(SubsonicClient.object(bens, "$.song"))
        .doesNotContainKeys("starred", "userRating", "played")
        .containsEntry("playCount", 0);
    assertThat(SubsonicClient.object(as(ben, "getStarred2"), "$.starred2")).isEmpty();

    ok(as(ann, "unstar", "id", FIRST, "albumId", album, "artistId", artist));
    ok(as(ann, "setRating", "id", FIRST, "rating", "0"));
    assertThat(SubsonicClient.object(as(ann, "getStarred2"), "$.starred2")).isEmpty();
    assertThat(SubsonicClient.object(as(ann, "getSong", "id", FIRST), "$.song"))
        .doesNotContainKeys("starred", "userRating")
        .containsEntry("playCount", 1);
  }

  @Test
  void theRankedAlbumListsFollowTheUsersRatingsPlaysAndStars() {
    String cat = users.create("cat");
    String dawn = albumOf(cat, FIRST);
    String tides = albumOf(cat, LOW_WATER);
    String modes = albumOf(cat, DORIAN);
    for (String list : new String[] {"getAlbumList", "getAlbumList2"}) {
      String key = list.equals("getAlbumList") ? "albumList" : "albumList2";
      for (String type : new String[] {"highest", "frequent", "recent", "starred"}) {
        assertThat(SubsonicClient.object(as(cat, list, "type", type), "$." + key)).isEmpty();
      }
    }
    ok(as(cat, "setRating", "id", tides, "rating", "3"));
    ok(as(cat, "setRating", "id", dawn, "rating", "5"));
    long now = System.currentTimeMillis();
    ok(
        as(
            cat,
            "scrobble",
            "id",
            DORIAN,
            "id",
            DORIAN,
            "time",
            "" + (now - 60_000),
            "time",
            "" + (now - 50_000)));
    ok(as(cat, "scrobble", "id", LOW_WATER, "time", "" + now));
    ok(as(cat, "star", "albumId", modes));

    assertThat(array(as(cat, "getAlbumList2", "type", "highest"), "$.albumList2.album[*].id"))
        .containsExactly(dawn, tides);
    assertThat(array(as(cat, "getAlbumList", "type", "highest"), "$.albumList.album[*].id"))
        .containsExactly(dawn, tides);
    assertThat(array(as(cat, "getAlbumList2", "type", "frequent"), "$.albumList2.album[*].id"))
        .containsExactly(modes, tides);
    assertThat(array(as(cat, "getAlbumList2", "type", "recent"), "$.albumList2.album[*].id"))
        .containsExactly(tides, modes);
    assertThat(array(as(cat, "getAlbumList2", "type", "starred"), "$.albumList2.album[*].id"))
        .containsExactly(modes);
    assertThat(
            array(
                as(cat, "getAlbumList2", "type", "highest", "size", "1", "offset", "1"),
                "$.albumList2.album[*].id"))
        .containsExactly(tides);
  }

  @Test
  void nowPlayingShowsEveryUsersPlayerAndASubmissionCountsAPlay() {
    String dan = users.create("dan");
    String eve = users.create("eve");
    ok(as(dan, "scrobble", "id", FOG, "submission", "false", "c", "Dan's Phone"));
    DocumentContext seen = as(eve, "getNowPlaying");
    List<Object> mine = array(seen, "$.nowPlaying.entry[?(@.username == '" + dan + "')]");
    assertThat(mine).hasSize(1);
    assertThat(array(seen, "$.nowPlaying.entry[?(@.username == '" + dan + "')].id"))
        .containsExactly(FOG);
    assertThat(array(seen, "$.nowPlaying.entry[?(@.username == '" + dan + "')].playerName"))
        .containsExactly("Dan's Phone");
    assertThat(array(seen, "$.nowPlaying.entry[?(@.username == '" + dan + "')].minutesAgo"))
        .singleElement()
        .satisfies(m -> assertThat(((Number) m).intValue()).isNotNegative());
    assertThat(array(seen, "$.nowPlaying.entry[?(@.username == '" + dan + "')].playerId"))
        .singleElement()
        .isInstanceOf(Integer.class);
    // now playing is not a play
    assertThat(as(dan, "getSong", "id", FOG).read("$.song.playCount", Integer.class)).isZero();
    ok(as(dan, "scrobble", "id", FOG, "c", "Dan's Phone"));
    assertThat(as(dan, "getSong", "id", FOG).read("$.song.playCount", Integer.class)).isEqualTo(1);
    // the same submission again (a player's retry) counts once
    long time = System.currentTimeMillis() - 1000;
    ok(as(dan, "scrobble", "id", FIRST, "time", "" + time));
    ok(as(dan, "scrobble", "id", FIRST, "time", "" + time));
    assertThat(as(dan, "getSong", "id", FIRST).read("$.song.playCount", Integer.class))
        .isEqualTo(1);
  }

  @Test
  void thePlayQueueRoundTripsAndAnEmptySaveClearsIt() {
    String fay = users.create("fay");
    DocumentContext none = as(fay, "getPlayQueue");
    ok(none);
    assertThat(SubsonicClient.object(none, "$")).doesNotContainKey("playQueue");

    ok(
        as(
            fay,
            "savePlayQueue",
            "id",
            FIRST,
            "id",
            FOG,
            "id",
            FIRST,
            "current",
            FOG,
            "position",
            "61234",
            "c",
            "Fay's Laptop"));
    DocumentContext q = as(fay, "getPlayQueue");
    assertThat(array(q, "$.playQueue.entry[*].id")).containsExactly(FIRST, FOG, FIRST);
    assertThat(q.read("$.playQueue.current", String.class)).isEqualTo(FOG);
    assertThat(q.read("$.playQueue.position", Long.class)).isEqualTo(61_234L);
    assertThat(q.read("$.playQueue.username", String.class)).isEqualTo(fay);
    assertThat(q.read("$.playQueue.changedBy", String.class)).isEqualTo("Fay's Laptop");
    assertThat(q.read("$.playQueue.changed", String.class)).isNotNull();

    // another user's queue is their own
    assertThat(SubsonicClient.object(as(users.create("gus"), "getPlayQueue"), "$"))
        .doesNotContainKey("playQueue");

    ok(as(fay, "savePlayQueue", "position", "0"));
    assertThat(SubsonicClient.object(as(fay, "getPlayQueue"), "$")).doesNotContainKey("playQueue");
  }

  @Test
  void playlistsAreCreatedUpdatedSharedAndDeletedByTheirOwnerOnly() {
    String hal = users.create("hal");
    String ivy = users.create("ivy");
    DocumentContext created =
        as(hal, "createPlaylist", "name", "Road", "songId", FIRST, "songId", FOG, "songId", DORIAN);
    String id = created.read("$.playlist.id", String.class);
    assertThat(created.read("$.playlist.owner", String.class)).isEqualTo(hal);
    assertThat(created.read("$.playlist.songCount", Integer.class)).isEqualTo(3);
    assertThat(created.read("$.playlist.public", Boolean.class)).isFalse();
    assertThat(created.read("$.playlist.readonly", Boolean.class)).isFalse();
    assertThat(array(created, "$.playlist.entry[*].id")).containsExactly(FIRST, FOG, DORIAN);

    // private: the other user neither sees nor reads it
    assertThat(array(as(ivy, "getPlaylists"), "$.playlists.playlist[*].id")).doesNotContain(id);
    assertFailed(as(ivy, "getPlaylist", "id", id), 70);

    ok(
        as(
            hal,
            "updatePlaylist",
            "playlistId",
            id,
            "name",
            "Road Trip",
            "comment",
            "for the car",
            "public",
            "true",
            "songIndexToRemove",
            "0",
            "songIndexToRemove",
            "2",
            "songIdToAdd",
            LOW_WATER,
            "songIdToAdd",
            FIRST));
    DocumentContext got = as(hal, "getPlaylist", "id", id);
    assertThat(got.read("$.playlist.name", String.class)).isEqualTo("Road Trip");
    assertThat(got.read("$.playlist.comment", String.class)).isEqualTo("for the car");
    assertThat(got.read("$.playlist.public", Boolean.class)).isTrue();
    assertThat(array(got, "$.playlist.entry[*].id")).containsExactly(FOG, LOW_WATER, FIRST);
    assertThat(array(as(hal, "getPlaylists"), "$.playlists.playlist[*].id")).contains(id);

    // the same in XML, the default format
    Element xml =
        api.xmlAt(api.raw("getPlaylist", SubsonicClient.as(hal, SubsonicUsers.PASSWORD, "id", id)));
    assertThat(xml.getAttribute("status")).isEqualTo("ok");
    Element playlist = (Element) xml.getElementsByTagNameNS(NS, "playlist").item(0);
    assertThat(playlist.getAttribute("public")).isEqualTo("true");
    assertThat(playlist.getElementsByTagNameNS(NS, "entry").getLength()).isEqualTo(3);
    // a blank public changes nothing
    ok(as(hal, "updatePlaylist", "playlistId", id, "public", ""));
    assertThat(as(hal, "getPlaylist", "id", id).read("$.playlist.public", Boolean.class)).isTrue();

    // public: the other user reads it, read-only; changing or deleting it is error 50
    DocumentContext theirs = as(ivy, "getPlaylist", "id", id);
    assertThat(theirs.read("$.playlist.readonly", Boolean.class)).isTrue();
    assertThat(array(as(ivy, "getPlaylists"), "$.playlists.playlist[*].id")).contains(id);
    assertFailed(as(ivy, "updatePlaylist", "playlistId", id, "name", "Mine"), 50);
    assertFailed(as(ivy, "deletePlaylist", "id", id), 50);
    assertFailed(as(ivy, "createPlaylist", "playlistId", id, "songId", FIRST), 50);

    // createPlaylist with playlistId replaces the entries
    DocumentContext replaced = as(hal, "createPlaylist", "playlistId", id, "songId", DORIAN);
    assertThat(array(replaced, "$.playlist.entry[*].id")).containsExactly(DORIAN);
    assertThat(replaced.read("$.playlist.name", String.class)).isEqualTo("Road Trip");

    ok(as(hal, "deletePlaylist", "id", id));
    assertFailed(as(hal, "getPlaylist", "id", id), 70);
    assertThat(array(as(hal, "getPlaylists"), "$.playlists.playlist[*].id")).doesNotContain(id);
  }

  @Test
  void entriesWhoseFilesLeftAreHiddenAndRemovalIndicesCountTheShownEntries() throws Exception {
    String jo = users.create("jo");
    String id =
        as(jo, "createPlaylist", "name", "Leaving", "songId", FIRST, "songId", GONE, "songId", FOG)
            .read("$.playlist.id", String.class);
    Files.delete(library.resolve(GONE_PATH));
    app.app().getBean(Library.class).rescan().get(60, TimeUnit.SECONDS);

    DocumentContext shown = as(jo, "getPlaylist", "id", id);
    assertThat(array(shown, "$.playlist.entry[*].id")).containsExactly(FIRST, FOG);
    assertThat(shown.read("$.playlist.songCount", Integer.class)).isEqualTo(2);

    // index 1 is FOG as shown (stored index 2); the missing entry stays where it was
    ok(as(jo, "updatePlaylist", "playlistId", id, "songIndexToRemove", "1"));
    assertThat(array(as(jo, "getPlaylist", "id", id), "$.playlist.entry[*].id"))
        .containsExactly(FIRST);
    assertFailed(as(jo, "updatePlaylist", "playlistId", id, "songIndexToRemove", "1"), 0);
  }

  @Test
  void usersAreListedForAdminsAndEachUserSeesThemselves() {
    String kim = users.create("kim");
    String boss = users.create("boss", "admin");
    DocumentContext me = as(kim, "getUser", "username", kim);
    assertThat(me.read("$.user.username", String.class)).isEqualTo(kim);
    assertThat(me.read("$.user.adminRole", Boolean.class)).isFalse();
    assertThat(me.read("$.user.streamRole", Boolean.class)).isTrue();
    assertThat(me.read("$.user.downloadRole", Boolean.class)).isTrue();
    assertThat(me.read("$.user.playlistRole", Boolean.class)).isTrue();
    assertThat(me.read("$.user.commentRole", Boolean.class)).isFalse();
    assertFailed(as(kim, "getUser", "username", boss), 50);
    assertFailed(as(kim, "getUsers"), 50);
    assertFailed(as(kim, "getPlaylists", "username", boss), 50);

    DocumentContext seen = as(boss, "getUser", "username", kim);
    assertThat(seen.read("$.user.username", String.class)).isEqualTo(kim);
    assertThat(as(boss, "getUser").read("$.user.adminRole", Boolean.class)).isTrue();
    assertFailed(as(boss, "getUser", "username", "nobody-here"), 70);
    assertThat(array(as(boss, "getUsers"), "$.users.user[*].username"))
        .contains(AccountTestApp.ADMIN, kim, boss);

    String mine =
        as(kim, "createPlaylist", "name", "Kim's", "songId", FIRST)
            .read("$.playlist.id", String.class);
    assertThat(array(as(boss, "getPlaylists", "username", kim), "$.playlists.playlist[*].id"))
        .containsExactly(mine);
    assertFailed(as(boss, "getPlaylists", "username", "nobody-here"), 70);
  }

  /**
   * The caller's own {@code getUser} shows the listener its credentials resolved to: the limit
   * arrives by password, token and API key alike.
   */
  @Test
  void getUserAndGetUsersReportEachUsersMaximumBitRateInJsonAndXml() {
    String max = users.create("max");
    users.limit(max, 192);
    String chief = users.create("chief", "admin");

    assertThat(as(max, "getUser").read("$.user.maxBitRate", Integer.class)).isEqualTo(192);
    String salt = "a1b2c3";
    DocumentContext byToken =
        api.jsonAt(
            api.raw(
                "getUser",
                "u",
                max,
                "t",
                TestListeners.md5(SubsonicUsers.PASSWORD + salt),
                "s",
                salt,
                "v",
                "1.16.1",
                "c",
                "test",
                "f",
                "json"));
    assertThat(byToken.read("$.user.maxBitRate", Integer.class)).isEqualTo(192);
    DocumentContext byKey =
        api.jsonAt(
            api.raw(
                "getUser", "apiKey", users.apiKey(max), "v", "1.16.1", "c", "test", "f", "json"));
    assertThat(byKey.read("$.user.maxBitRate", Integer.class)).isEqualTo(192);
    Element mine =
        (Element)
            api.xmlAt(api.raw("getUser", SubsonicClient.as(max, SubsonicUsers.PASSWORD)))
                .getElementsByTagNameNS(NS, "user")
                .item(0);
    assertThat(mine.getAttribute("maxBitRate")).isEqualTo("192");

    assertThat(as(chief, "getUser", "username", max).read("$.user.maxBitRate", Integer.class))
        .isEqualTo(192);
    DocumentContext all = as(chief, "getUsers");
    assertThat(array(all, "$.users.user[?(@.username == '" + max + "')].maxBitRate"))
        .containsExactly(192);
    assertThat(array(all, "$.users.user[?(@.username == '" + chief + "')].maxBitRate"))
        .containsExactly(0);
    NodeList listed =
        api.xmlAt(api.raw("getUsers", SubsonicClient.as(chief, SubsonicUsers.PASSWORD)))
            .getElementsByTagNameNS(NS, "user");
    assertThat(
            IntStream.range(0, listed.getLength())
                .mapToObj(i -> (Element) listed.item(i))
                .filter(u -> u.getAttribute("username").equals(max))
                .map(u -> u.getAttribute("maxBitRate")))
        .containsExactly("192");
  }

  @Test
  void everyEndpointAnswersTheSpecsErrorsAndNeverA5xx() {
    String lou = users.create("lou");
    // missing parameters: 10
    for (String[] call :
        new String[][] {
          {"star"},
          {"unstar"},
          {"setRating", "id", FIRST},
          {"setRating", "rating", "3"},
          {"scrobble"},
          {"getPlaylist"},
          {"createPlaylist", "songId", FIRST},
          {"updatePlaylist", "name", "x"},
          {"deletePlaylist"},
        }) {
      assertFailed(
          as(lou, call[0], List.of(call).subList(1, call.length).toArray(String[]::new)), 10);
    }
    // unknown ids: 70
    for (String[] call :
        new String[][] {
          {"star", "id", UNKNOWN},
          {"star", "id", FIRST, "albumId", UNKNOWN},
          {"star", "artistId", "not an id"},
          {"unstar", "id", "not an id"},
          {"setRating", "id", UNKNOWN, "rating", "3"},
          {"scrobble", "id", UNKNOWN},
          {"scrobble", "id", FIRST, "id", UNKNOWN, "submission", "false"},
          {"getPlaylist", "id", UNKNOWN},
          {"getPlaylist", "id", "../../etc"},
          {"createPlaylist", "name", "x", "songId", UNKNOWN},
          {"createPlaylist", "playlistId", UNKNOWN, "songId", FIRST},
          {"updatePlaylist", "playlistId", UNKNOWN, "name", "x"},
          {"deletePlaylist", "id", UNKNOWN},
          {"savePlayQueue", "id", UNKNOWN, "position", "0"},
        }) {
      assertFailed(
          as(lou, call[0], List.of(call).subList(1, call.length).toArray(String[]::new)), 70);
    }
    // values out of range or of the wrong type: 0
    for (String[] call :
        new String[][] {
          {"setRating", "id", FIRST, "rating", "6"},
          {"setRating", "id", FIRST, "rating", "-1"},
          {"setRating", "id", FIRST, "rating", "five"},
          {"scrobble", "id", FIRST, "time", "yesterday"},
          {"scrobble", "id", FIRST, "time", "1"},
          {"scrobble", "id", FIRST, "submission", "maybe"},
          {"createPlaylist", "name", "x".repeat(201)},
          {"savePlayQueue", "id", FIRST, "current", FOG},
          {"savePlayQueue", "id", FIRST, "position", "soon"},
          {"updatePlaylist", "playlistId", UNKNOWN, "songIndexToRemove", "first"},
          {"getAlbumList2", "type", "highest", "size", "x"},
        }) {
      assertFailed(
          as(lou, call[0], List.of(call).subList(1, call.length).toArray(String[]::new)), 0);
    }
    // nothing was written by the failed calls
    assertThat(SubsonicClient.object(as(lou, "getStarred2"), "$.starred2")).isEmpty();
    assertThat(as(lou, "getSong", "id", FIRST).read("$.song.playCount", Integer.class)).isZero();
    // unstarring or clearing the rating of something never starred is fine
    ok(as(lou, "unstar", "id", UNKNOWN));
    ok(as(lou, "setRating", "id", UNKNOWN, "rating", "0"));
  }
}
