package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.testsupport.CapturedLogs;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A player leaving an OpenSubsonic stream mid-body is counted, not logged as a failure. */
class SubsonicStreamAbortTest extends SubsonicServiceTest {

  static final String LONG = "Test Artist/Long/01 Long.wav";

  @Autowired MeterRegistry meters;

  @DynamicPropertySource
  static void library(DynamicPropertyRegistry registry) throws Exception {
    Path library = SubsonicFixtures.demoLibrary(tmp);
    TestAudio.wav(library.resolve(LONG), 32 * 1024 * 1024, 7);
    registry.add("cadenza.library.path", library::toString);
  }

  /** Starts a GET, reads a little of the body, and resets the connection. */
  void abortAfterTheFirstBytes(URI uri) throws Exception {
    try (Socket s = new Socket()) {
      s.setReceiveBufferSize(64 * 1024);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      s.getOutputStream()
          .write(
              ("GET "
                      + uri.getRawPath()
                      + "?"
                      + uri.getRawQuery()
                      + " HTTP/1.1\r\n"
                      + "Host: localhost\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      s.getInputStream().readNBytes(64 * 1024);
      s.setSoLinger(true, 0); // close with a reset, as a player that skips does
    }
  }

  @Test
  void aPlayerLeavingAStreamIsCountedNotLoggedAsAFailure() throws Exception {
    URI stream = api.uri("stream.view", "id", Ids.track(LONG));
    try (CapturedLogs logs = CapturedLogs.capture()) {
      for (int i = 0; i < 3; i++) {
        abortAfterTheFirstBytes(stream);
      }
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(meters.get("cadenza.stream.client.aborts").counter().count())
                      .isEqualTo(3));
      assertThat(logs.count(Level.WARN, e -> true))
          .as("WARN or ERROR lines: %s", logs.of(""))
          .isZero();
    }
  }
}
