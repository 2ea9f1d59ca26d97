package dev.cadenza.stream.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With authentication off every request is the same anonymous admin, so the limits apply per client
 * address; and a session without members lives {@code empty-ttl}, not {@code ttl}.
 */
class SessionLimitsWithoutAuthTest {

  static final int SESSIONS_PER_ADDRESS = 2;

  @TempDir static Path library;
  static TestApp app;
  static SessionHttp http;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app =
        TestApp.start(
            library,
            "--cadenza.sessions.max-sessions-per-user=" + SESSIONS_PER_ADDRESS,
            "--cadenza.sessions.ttl=1h",
            "--cadenza.sessions.empty-ttl=2s");
    http = new SessionHttp(app.port());
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  /** The status of a {@code POST /api/v1/sessions} sent from {@code local} (a loopback address). */
  static int createFrom(String local) throws IOException {
    try (Socket s = new Socket()) {
      s.setSoTimeout(10_000);
      s.bind(new InetSocketAddress(InetAddress.getByName(local), 0));
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), app.port()), 5_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST "
                  + Api.SESSIONS
                  + " HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
        line.append((char) c);
      }
      return Integer.parseInt(line.toString().split(" ")[1]);
    }
  }

  @Test
  void eachClientAddressHasItsOwnQuota() throws Exception {
    // 127.0.0.3 and .4: the other test creates from 127.0.0.1
    for (int i = 0; i < SESSIONS_PER_ADDRESS; i++) {
      assertThat(createFrom("127.0.0.3")).isEqualTo(201);
    }
    assertThat(createFrom("127.0.0.3")).isEqualTo(429);
    assertThat(createFrom("127.0.0.4")).isEqualTo(201);
  }

  @Test
  void aSessionWithoutMembersLivesEmptyTtlAndOneWithMembersTtl() {
    SessionView empty = http.create("nobody came");
    assertThat(empty.expiresAtMicros() - empty.updatedAtMicros()).isEqualTo(2_000_000);

    SessionView joined = http.create("party");
    Member m = http.join(joined.id(), "alice");
    SessionView withMember = http.get(Api.session(joined.id())).ok();
    assertThat(withMember.expiresAtMicros() - withMember.updatedAtMicros())
        .isEqualTo(3_600_000_000L);

    // the empty one is gone after empty-ttl (24 h before: the flood that filled the store)
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get(Api.session(empty.id())).status() == 404);
    assertThat(http.get(Api.session(joined.id())).status()).isEqualTo(200);

    // the last member leaving makes it an empty one again
    assertThat(http.delete(Api.members(joined.id()) + "/" + m.id()).status()).isEqualTo(204);
    SessionView left = http.get(Api.session(joined.id())).ok();
    assertThat(left.expiresAtMicros() - left.updatedAtMicros()).isEqualTo(2_000_000);
  }
}
