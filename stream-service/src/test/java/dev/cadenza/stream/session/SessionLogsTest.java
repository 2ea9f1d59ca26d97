package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * A session id lets whoever knows it join and follow the session: no log line holds one, at any
 * level of the service's own logging, only its tag.
 */
@ExtendWith(OutputCaptureExtension.class)
class SessionLogsTest {

  @TempDir Path library;

  @Test
  void theLogNamesSessionsByTagNeverById(CapturedOutput output) throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    TestApp app =
        TestApp.start(
            library,
            "--logging.level.dev.cadenza=DEBUG",
            // long enough for the first session's commands on a loaded machine, then one expires
            "--cadenza.sessions.ttl=8s");
    try {
      SessionHttp http = new SessionHttp(app.port());
      String trackId = app.app().getBean(Library.class).catalog().tracks().get(0).id();

      String ended = http.create("ended").id();
      Member m = http.join(ended, "alice");
      http.command(ended, "play", "{\"trackId\":\"" + trackId + "\"}").ok();
      http.delete(Api.members(ended) + "/" + m.id());
      http.delete(Api.session(ended));
      String expired = http.create("expired").id();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> output.getOut().contains("Session " + SessionIds.tag(expired) + " expired"));

      assertThat(output.getOut())
          .contains(
              "Session " + SessionIds.tag(ended) + " created",
              "Session " + SessionIds.tag(ended) + " play -> version 3",
              "Session " + SessionIds.tag(ended) + " ended at version 4")
          .doesNotContain(ended, expired, m.id());
    } finally {
      app.app().close();
    }
  }

  @Test
  void aTagIsSixHexDigitsOfTheIdsSha256() {
    // echo -n AAAAAAAAAAAAAAAAAAAAAA | sha256sum | cut -c1-6
    assertThat(SessionIds.tag("AAAAAAAAAAAAAAAAAAAAAA")).isEqualTo("8a5bdb");
  }
}
