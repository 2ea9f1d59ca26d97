package dev.cadenza.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cadenza.protocol.PlayCommand;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;

/** Error mapping and request details of {@link CadenzaClient}, against a scripted server. */
class CadenzaClientTest {

  static final String SESSION_JSON =
      """
      {"id":"s1","name":"kitchen","version":3,"createdAtMicros":1,"updatedAtMicros":2,
       "expiresAtMicros":3,"members":[],"futureField":true,
       "playback":{"state":"PLAYING","trackId":"t1","positionMicros":0,"atMicros":5,"durationMicros":9}}""";

  @Test
  void problemDetailsBecomeTheExceptionsFields() throws Exception {
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions/",
                x ->
                    FakeService.respond(
                        x,
                        404,
                        "application/problem+json",
                        """
                        {"type":"https://cadenza.dev/problems/no-session","title":"Not Found",
                         "status":404,"detail":"no session nope","instance":"/api/v1/sessions/nope"}"""))) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class, () -> CadenzaClient.create(service.uri()).session("nope"));
      assertThat(e.status()).isEqualTo(404);
      assertThat(e.type()).isEqualTo("https://cadenza.dev/problems/no-session");
      assertThat(e.title()).isEqualTo("Not Found");
      assertThat(e.detail()).isEqualTo("no session nope");
      assertThat(e)
          .hasMessage(
              "404 Not Found: no session nope (GET " + service.uri() + "/api/v1/sessions/nope)");
    }
  }

  @Test
  void anErrorThatIsNotAProblemStillGivesStatusAndTitle() throws Exception {
    try (FakeService service =
        new FakeService()
            .on("/", x -> FakeService.respond(x, 502, "text/html", "<html>bad gateway</html>"))) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class, () -> CadenzaClient.create(service.uri()).createSession("x"));
      assertThat(e.status()).isEqualTo(502);
      assertThat(e.title()).isEqualTo("Bad Gateway");
      assertThat(e.detail()).isEqualTo("<html>bad gateway</html>");
    }
  }

  @Test
  void aProblemBodyThatIsNotJsonIsNotAParseError() throws Exception {
    try (FakeService service =
        new FakeService()
            .on("/", x -> FakeService.respond(x, 400, "application/problem+json", "{broken"))) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class, () -> CadenzaClient.create(service.uri()).session("a"));
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.title()).isEqualTo("Bad Request");
      assertThat(e.detail()).isEqualTo("{broken");
    }
  }

  @Test
  void anUnreadableSuccessIsACadenzaException() throws Exception {
    try (FakeService service =
        new FakeService().on("/", x -> FakeService.respond(x, 201, "application/json", "[1,"))) {
      CadenzaException e =
          catchThrowableOfType(
              CadenzaException.class, () -> CadenzaClient.create(service.uri()).createSession("x"));
      assertThat(e.title()).isEqualTo("unreadable answer");
      assertThat(e.getCause()).isInstanceOf(JacksonException.class);
    }
  }

  @Test
  void aRefusedConnectionHasStatusZero() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    CadenzaClient client = CadenzaClient.create(URI.create("http://127.0.0.1:" + port));
    CadenzaException e = catchThrowableOfType(CadenzaException.class, () -> client.session("s1"));
    assertThat(e.status()).isZero();
    assertThat(e.title()).isEqualTo("request failed");
  }

  @Test
  void commandsSendJsonAndIfMatchAndReadTheSessionIgnoringUnknownFields() throws Exception {
    AtomicReference<String> ifMatch = new AtomicReference<>();
    AtomicReference<String> body = new AtomicReference<>();
    try (FakeService service =
        new FakeService()
            .on(
                "/api/v1/sessions/s1/play",
                x -> {
                  ifMatch.set(x.getRequestHeaders().getFirst("If-Match"));
                  body.set(new String(x.getRequestBody().readAllBytes()));
                  FakeService.respond(x, 200, "application/json", SESSION_JSON);
                })) {
      var session =
          CadenzaClient.create(service.uri()).play("s1", new PlayCommand("t1", 1_000L, null), 3);
      assertThat(session.version()).isEqualTo(3);
      assertThat(session.playback().trackId()).isEqualTo("t1");
      assertThat(ifMatch.get()).isEqualTo("\"3\"");
      assertThat(body.get()).contains("\"trackId\":\"t1\"").contains("\"positionMicros\":1000");
    }
  }

  @Test
  void aBaseUrlMustBeHttp() {
    assertThatThrownBy(() -> CadenzaClient.create(URI.create("ftp://x")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
