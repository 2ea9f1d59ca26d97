package dev.cadenza.stream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.client.CadenzaClient;
import dev.cadenza.client.CadenzaException;
import dev.cadenza.client.Credentials;
import dev.cadenza.client.DownloadProgress;
import dev.cadenza.client.DownloadResult;
import dev.cadenza.protocol.PlayCommand;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java client against the service with authentication on: API key, password, or none. */
class AuthenticatedClientTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static URI uri;
  static String apiKey;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 176_400, 1);
    app = AccountTestApp.start(library, data);
    uri = URI.create("http://127.0.0.1:" + app.port());
    apiKey =
        new AccountHttp(app.port())
            .json("POST", "/api/v1/me/keys", AccountTestApp.admin(), Map.of("name", "client test"))
            .json()
            .get("key")
            .asString();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static CadenzaClient client(Credentials credentials) {
    return CadenzaClient.builder(uri).credentials(credentials).build();
  }

  @Test
  void anApiKeyListsStreamsAndSteersASession() throws Exception {
    CadenzaClient client = client(Credentials.apiKey(apiKey));
    String trackId = client.tracks(null, 10, null).items().get(0).id();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DownloadResult result = client.downloader().download(trackId, bytes, DownloadProgress.NONE);
    assertThat(bytes.toByteArray()).isEqualTo(Files.readAllBytes(library.resolve("one.wav")));
    assertThat(result.bytes()).isEqualTo(bytes.size());

    SessionView session = client.createSession("authenticated");
    assertThat(client.play(session.id(), new PlayCommand(trackId, null, null)).version())
        .isGreaterThan(1);
    client.deleteSession(session.id());
  }

  @Test
  void aUsernameAndPasswordWorkAsBasic() {
    CadenzaClient client =
        client(Credentials.password(AccountTestApp.ADMIN, AccountTestApp.ADMIN_PASSWORD));
    assertThat(client.tracks(null, 10, null).items()).hasSize(1);
  }

  @Test
  void withoutCredentialsTheClientGetsA401Problem() {
    assertThatThrownBy(() -> client(Credentials.NONE).tracks(null, 10, null))
        .isInstanceOfSatisfying(
            CadenzaException.class,
            e -> {
              assertThat(e.status()).isEqualTo(401);
              assertThat(e.type()).endsWith("/credentials-required");
            });
    assertThat(Credentials.apiKey(apiKey).toString()).doesNotContain(apiKey);
  }
}
