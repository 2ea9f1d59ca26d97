package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.stream.store.DataProperties;
import dev.cadenza.stream.store.InMemoryItemStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SubsonicSecretsTest {

  @TempDir Path data;

  static AuthProperties settings(String secretKey) {
    return new AuthProperties(
        true,
        new AuthProperties.Admin("admin", null),
        secretKey,
        new AuthProperties.FailedLogins(
            5, 20, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(15)),
        Duration.ofMinutes(1),
        new AuthProperties.WebSession(Duration.ofDays(14), Duration.ofDays(90)));
  }

  SubsonicSecrets secrets(String secretKey) {
    return new SubsonicSecrets(
        settings(secretKey), new DataProperties(data), new InMemoryItemStore());
  }

  @Test
  void aSealedPasswordOpensForItsUserOnly() {
    SubsonicSecrets secrets = secrets(AccountTestApp.secretKey());
    String sealed = secrets.seal("user-1", "sesame-password");
    assertThat(sealed).startsWith("v1:").doesNotContain("sesame");
    assertThat(secrets.open("user-1", sealed)).isEqualTo("sesame-password");
    assertThatThrownBy(() -> secrets.open("user-2", sealed))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(secrets.seal("user-1", "sesame-password"))
        .as("a fresh IV each time")
        .isNotEqualTo(sealed);
  }

  @Test
  void anotherSecretKeyCannotOpenIt() {
    String sealed = secrets(AccountTestApp.secretKey()).seal("u", "sesame-password");
    assertThatThrownBy(() -> secrets(AccountTestApp.secretKey()).open("u", sealed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("sesame");
  }

  @Test
  void withoutASecretKeyOneIsGeneratedOwnerOnlyAndReusedAtTheNextStart() throws Exception {
    String sealed = secrets(null).seal("u", "sesame-password");
    Path file = data.resolve("secret.key");
    assertThat(Files.getPosixFilePermissions(file))
        .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(secrets(null).open("u", sealed)).isEqualTo("sesame-password");
  }

  @Test
  void podsSharingAStoreMustBeGivenTheKey() {
    StoreDoubles.Counting shared = new StoreDoubles.Counting();
    shared.shared = true;
    SubsonicSecrets secrets = new SubsonicSecrets(settings(null), new DataProperties(data), shared);
    assertThatThrownBy(secrets::load).hasMessageContaining("CADENZA_AUTH_SECRET_KEY");
  }

  @Test
  void aShortOrMalformedSecretKeyStopsStartNamingTheSettingNotTheValue() {
    assertThatThrownBy(() -> settings("c2hvcnQ="))
        .hasMessageContaining("cadenza.auth.secret-key")
        .hasMessageContaining("5 bytes")
        .hasMessageNotContaining("c2hvcnQ");
    assertThatThrownBy(() -> settings("not base64 !!"))
        .hasMessageContaining("cadenza.auth.secret-key")
        .hasMessageNotContaining("!!");
  }

  @Test
  void theSettingsNeverPrintTheirSecrets() {
    AuthProperties s =
        new AuthProperties(
            true,
            new AuthProperties.Admin("admin", "top-secret-password"),
            AccountTestApp.secretKey(),
            settings(null).failedLogins(),
            Duration.ofMinutes(1),
            new AuthProperties.WebSession(Duration.ofDays(14), Duration.ofDays(90)));
    assertThat(s.toString()).doesNotContain("top-secret-password").doesNotContain(s.secretKey());
  }
}
