package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

@ExtendWith(OutputCaptureExtension.class)
class FirstAdminTest {

  static final String GENERATED = "Created admin user 'admin' with a generated password";

  @TempDir Path data;
  Accounts accounts;

  @AfterEach
  void close() {
    accounts.close();
  }

  static AuthProperties withPassword(String password) {
    AuthProperties base = SubsonicSecretsTest.settings(AccountTestApp.secretKey());
    return new AuthProperties(
        true,
        new AuthProperties.Admin("admin", password),
        base.secretKey(),
        base.failedLogins(),
        Duration.ofMinutes(1),
        new AuthProperties.WebSession(Duration.ofDays(14), Duration.ofDays(90)));
  }

  void start(AuthProperties settings) {
    new FirstAdmin(settings, accounts.users, accounts.secrets, data).afterSingletonsInstantiated();
  }

  @Test
  void withoutAPasswordTheAdminGetsAGeneratedOneInAnOwnerOnlyFileNeverInTheLog(
      CapturedOutput output) throws Exception {
    AuthProperties settings = withPassword(null);
    accounts = new Accounts(data, settings);
    start(settings);
    Path file = data.resolve(FirstAdmin.PASSWORD_FILE);
    String password = Files.readString(file).strip();
    assertThat(accounts.authenticator.password("admin", password, "::1").block().admin()).isTrue();
    assertThat(Files.getPosixFilePermissions(file))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    assertThat(output.getOut()).contains(GENERATED, file.toString()).doesNotContain(password);

    start(settings); // the next start finds the admin
    assertThat(output.getOut()).containsOnlyOnce(GENERATED);
    assertThat(Files.readString(file).strip()).isEqualTo(password);
  }

  @Test
  void aConfiguredPasswordRemovesTheFileOfAGeneratedOne() throws Exception {
    accounts = new Accounts(data, withPassword(null));
    start(withPassword(null));
    assertThat(data.resolve(FirstAdmin.PASSWORD_FILE)).exists();

    start(withPassword("configured-admin-password"));
    assertThat(data.resolve(FirstAdmin.PASSWORD_FILE)).doesNotExist();
    assertThat(accounts.authenticator.password("admin", "configured-admin-password", "::1").block())
        .isNotNull();
  }

  @Test
  void aConfiguredPasswordThatDiffersFromTheStoredOneReplacesIt() {
    accounts = new Accounts(data, withPassword("first-admin-password"));
    start(withPassword("first-admin-password"));
    assertThat(accounts.authenticator.password("admin", "first-admin-password", "::1").block())
        .isNotNull();

    start(withPassword("rotated-admin-password"));
    assertThat(accounts.users.ensureAdmin("admin", "rotated-admin-password", "x").block())
        .isEqualTo(Users.AdminOutcome.UNCHANGED);
    assertThat(accounts.authenticator.password("admin", "rotated-admin-password", "::1").block())
        .isNotNull();
  }

  @Test
  void podsStartingTogetherCreateTheAdminOnce() {
    accounts = new Accounts(data);
    List<Users.AdminOutcome> outcomes =
        Flux.fromStream(IntStream.range(0, 4).boxed())
            .parallel()
            .runOn(Schedulers.parallel())
            .flatMap(i -> accounts.users.ensureAdmin("admin", null, "generated-" + i))
            .sequential()
            .collectList()
            .block();
    assertThat(outcomes)
        .containsOnlyOnce(Users.AdminOutcome.CREATED_WITH_GENERATED_PASSWORD)
        .hasSize(4);
    assertThat(accounts.users.list().collectList().block()).hasSize(1);
  }
}
