package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up's key with authentication on, end to end over the loopback: it opens the track stream
 * while valid and nothing else, and nothing at all once revoked. The warm-up itself is off here, so
 * that the test issues the key.
 */
class WarmUpKeyOnTheStreamRouteTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static TestHttp http;
  static Track track;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
    http = new TestHttp(app.port());
    track = app.app().getBean(Library.class).catalog().tracks().get(0);
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  private static HttpResponse<byte[]> stream(String authorization) throws Exception {
    return TestHttp.CLIENT.send(
        http.request("/api/v1/tracks/" + track.id() + "/stream")
            .header("Authorization", authorization)
            .header("Range", "bytes=0-99")
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void theKeyStreamsWhileValidOpensNoOtherRouteAndNothingOnceRevoked() throws Exception {
    WarmUpKey key = app.app().getBean(WarmUpKey.class);
    assertThat(stream("Bearer not-the-key").statusCode()).isEqualTo(401);

    String bearer = "Bearer " + key.issue();
    HttpResponse<byte[]> warm = stream(bearer);
    assertThat(warm.statusCode()).isEqualTo(206);
    assertThat(warm.headers().firstValue("Content-Range")).hasValue("bytes 0-99/" + track.size());
    assertThat(warm.body()).isEqualTo(Arrays.copyOf(Files.readAllBytes(track.file()), 100));
    // the routes Spring's dispatcher serves do not know the key
    assertThat(http.send("GET", "/api/v1/tracks", null, "Authorization", bearer).statusCode())
        .isEqualTo(401);
    assertThat(http.send("GET", "/api/v1/me", null, "Authorization", bearer).statusCode())
        .isEqualTo(401);

    key.revoke();

    assertThat(key.valid()).isFalse();
    assertThat(stream(bearer).statusCode()).isEqualTo(401);
  }
}
