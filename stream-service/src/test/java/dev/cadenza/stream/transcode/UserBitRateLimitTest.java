package dev.cadenza.stream.transcode;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own maximum bit rate (set by an admin) bounds every stream of theirs, on the native
 * route and on OpenSubsonic's, whatever the request asks, {@code format=raw} included; a user
 * without one gets the original.
 */
class UserBitRateLimitTest {

  static final HttpClient http = HttpClient.newHttpClient();
  @TempDir static Path dir;
  static TestApp app;
  static Track mp3;

  @BeforeAll
  static void start() throws Exception {
    app = AccountTestApp.startDemoLibrary(dir.resolve("data"));
    mp3 =
        app.app().getBean(Library.class).catalog().tracks().stream()
            .filter(t -> t.path().endsWith(".mp3"))
            .findFirst()
            .orElseThrow();
    assertThat(mp3.audio().bitrate()).isGreaterThan(64);
    for (String[] user : new String[][] {{"lowbit", "64"}, {"free", "0"}}) {
      String body =
          "{\"username\":\""
              + user[0]
              + "\",\"password\":\""
              + user[0]
              + "-password\",\"role\":\"user\",\"maxBitRate\":"
              + user[1]
              + "}";
      HttpResponse<String> created =
          http.send(
              HttpRequest.newBuilder(uri("/api/v1/users"))
                  .header("Authorization", AccountTestApp.admin())
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static URI uri(String path) {
    return URI.create("http://127.0.0.1:" + app.port() + path);
  }

  static HttpResponse<byte[]> get(String path, String user) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", AccountHttp.basic(user, user + "-password"))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  static String subsonic(String user, String... params) {
    StringBuilder q =
        new StringBuilder("/rest/stream?v=1.16.1&c=test&u=" + user + "&p=")
            .append(URLEncoder.encode(user + "-password", StandardCharsets.UTF_8))
            .append("&id=")
            .append(mp3.id());
    for (int i = 0; i < params.length; i += 2) {
      q.append('&').append(params[i]).append('=').append(params[i + 1]);
    }
    return q.toString();
  }

  @Test
  void theUsersLimitBoundsEveryStreamOfTheirs() throws Exception {
    String stream = "/api/v1/tracks/" + mp3.id() + "/stream";
    for (String path : new String[] {stream, stream + "?format=raw", stream + "?bitrate=320"}) {
      HttpResponse<byte[]> r = get(path, "lowbit");
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      assertThat(r.headers().firstValue("X-Transcoding").orElseThrow())
          .as(path)
          .startsWith("opus-64");
    }
    HttpResponse<byte[]> mp3Asked = get(stream + "?format=mp3", "lowbit");
    assertThat(mp3Asked.headers().firstValue("X-Transcoding").orElseThrow()).startsWith("mp3-64");

    HttpResponse<byte[]> viaSubsonic = get(subsonic("lowbit", "maxBitRate", "320"), "lowbit");
    assertThat(viaSubsonic.statusCode()).isEqualTo(200);
    assertThat(viaSubsonic.headers().firstValue("X-Transcoding").orElseThrow())
        .startsWith("mp3-64");

    // no limit of their own: the original
    byte[] file = Files.readAllBytes(mp3.file());
    HttpResponse<byte[]> free = get(stream, "free");
    assertThat(free.headers().firstValue("X-Transcoding")).isEmpty();
    assertThat(free.body()).isEqualTo(file);
    assertThat(get(subsonic("free"), "free").body()).isEqualTo(file);
  }
}
