package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.LibraryFixtures;
import dev.cadenza.stream.testsupport.TestApp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client library that is not ours, the npm package {@code subsonic-api} (installed by
 * hack/subsonic-api.sh), drives the service from Node.js as a real user account (authentication on;
 * the user made through the admin API, its API key through {@code /api/v1/me/keys}): token, API key
 * and form-POST authentication, a full sync by empty {@code search3}, browsing, {@code stream} with
 * a Range header compared by SHA-256 with the file, a scaled cover, lyrics, and the user's own
 * data: stars, a rating, now playing and a play, a playlist's life, the play queue
 * (src/test/node/subsonic-client.mjs).
 */
class SubsonicClientLibraryTest {

  static final String SYNCED = "Lyricist/Words/01 Synced.flac";

  @TempDir static Path tmp;
  static Path library;
  static Path packageDir;

  static TestApp app;

  @BeforeAll
  static void start() throws Exception {
    library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    SubsonicFixtures.withLyrics(
        library, LibraryFixtures.MORNING_FOG, SYNCED, "Synced", "[00:01.00]one\n[00:02.00]two\n");
    app = AccountTestApp.start(library, tmp.resolve("data"));
    install();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static void install() throws Exception {
    Process p =
        new ProcessBuilder("bash", "../hack/subsonic-api.sh")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("npm install finished").isTrue();
    assertThat(p.exitValue()).as("hack/subsonic-api.sh").isZero();
    packageDir = Path.of(out.substring(out.lastIndexOf('\n') + 1));
  }

  @Test
  void subsonicApiOnNodeSyncsBrowsesStreamsReadsCoversAndLyricsAndKeepsTheUsersData()
      throws Exception {
    int port = app.port();
    new SubsonicClient(port, app.managementPort()); // waits until the service is ready
    SubsonicUsers users = new SubsonicUsers(port);
    String user = users.create("node");
    String apiKey = users.apiKey(user);
    Path log = Files.createTempFile(tmp, "node", ".log");
    ProcessBuilder node =
        new ProcessBuilder("node", "src/test/node/subsonic-client.mjs")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = node.environment();
    env.put("SUBSONIC_API_DIR", packageDir.toString());
    env.put("CADENZA_URL", "http://127.0.0.1:" + port);
    env.put("CADENZA_USER", user);
    env.put("CADENZA_PASSWORD", SubsonicUsers.PASSWORD);
    env.put("CADENZA_API_KEY", apiKey);
    env.put("EXPECTED_SONGS", Integer.toString(LibraryFixtures.demoPaths().size() + 1));
    env.put("STREAM_ID", Ids.track(LibraryFixtures.FIRST_LIGHT));
    env.put("STREAM_FILE", library.resolve(LibraryFixtures.FIRST_LIGHT).toString());
    env.put("LYRICS_ID", Ids.track(SYNCED));

    Process p = node.start();
    boolean done = p.waitFor(3, TimeUnit.MINUTES);
    String output = read(log);
    if (!done) {
      p.destroyForcibly();
    }
    assertThat(done).as("the Node.js client finished:\n%s", output).isTrue();
    assertThat(p.exitValue()).as("the Node.js client's checks:\n%s", output).isZero();

    DocumentContext seen = JsonPath.parse(output.strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(seen.read("$.songs", Integer.class)).isEqualTo(9);
    assertThat(seen.read("$.albums", Integer.class)).isEqualTo(4);
    assertThat(SubsonicClient.array(seen, "$.extensions"))
        .containsExactly(
            "apiKeyAuthentication",
            "formPost",
            "songLyrics",
            "sonicSimilarity",
            "transcodeOffset",
            "transcoding");
    assertThat(seen.read("$.lyricLines", Integer.class)).isEqualTo(2);
    assertThat(seen.read("$.starredAlbums", Integer.class)).isEqualTo(1);
    assertThat(seen.read("$.playCount", Integer.class)).isEqualTo(1);
    assertThat(seen.read("$.playlistEntries", Integer.class)).isPositive();
    assertThat(seen.read("$.queued", Integer.class)).isPositive();
    assertThat(output).doesNotContain(SubsonicUsers.PASSWORD).doesNotContain(apiKey);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8);
  }
}
