package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.SmartInitializingSingleton;
import reactor.util.retry.Retry;

/**
 * The admin from {@code cadenza.auth.admin.*}, made sure of at start: created if missing, its
 * password reset when the configured one differs. Without a configured password a created admin
 * gets a generated one, written to {@value #PASSWORD_FILE} in the data directory, readable by its
 * owner only: a password never goes to the log, which more people and systems read than the data
 * directory. A later start finds the admin and writes nothing; a configured password removes the
 * file. Pods racing at start create it once (a conditional write).
 *
 * <p>Start-up waits for this up to {@link #WAIT}. A store that cannot be reached does not stop the
 * service (requests answer 503 until it is back, as for any store outage); the admin is then made
 * sure of in the background, retrying until the store answers.
 */
final class FirstAdmin implements SmartInitializingSingleton, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

  /** How long start-up waits for the store. */
  static final Duration WAIT = Duration.ofSeconds(20);

  /** Where a generated password goes, in the data directory. */
  static final String PASSWORD_FILE = "initial-admin-password";

  private final AuthProperties settings;
  private final Users users;
  private final SubsonicSecrets secrets;
  private final Path passwordFile;
  private CompletableFuture<Users.AdminOutcome> done = CompletableFuture.completedFuture(null);

  FirstAdmin(AuthProperties settings, Users users, SubsonicSecrets secrets, Path dataDirectory) {
    this.settings = settings;
    this.users = users;
    this.secrets = secrets;
    this.passwordFile = dataDirectory.resolve(PASSWORD_FILE);
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (!settings.enabled()) {
      return;
    }
    secrets.load(); // a missing or unreadable secret key is a configuration error: stop here
    String username = settings.admin().username();
    String generated = Passwords.generate();
    done =
        users
            .ensureAdmin(username, settings.admin().password(), generated)
            .retryWhen(
                Retry.backoff(Long.MAX_VALUE, Duration.ofSeconds(1))
                    .maxBackoff(Duration.ofSeconds(30))
                    .filter(ItemStore.Unavailable.class::isInstance)
                    .doBeforeRetry(
                        r ->
                            log.warn(
                                "Cannot make sure of admin user '{}' yet, retrying: {}",
                                username,
                                r.failure().getMessage())))
            .doOnNext(outcome -> report(outcome, username, generated))
            .doOnError(e -> log.error("Cannot make sure of admin user '{}'", username, e))
            .toFuture();
    try {
      done.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      log.warn(
          "Admin user '{}' not made sure of within {}; going on in the background", username, WAIT);
    } catch (ExecutionException e) {
      // logged above
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void report(Users.AdminOutcome outcome, String username, String generated) {
    switch (outcome) {
      case CREATED_WITH_GENERATED_PASSWORD -> {
        try {
          write(generated);
          log.warn(
              "Created admin user '{}' with a generated password, written to {} (readable by its"
                  + " owner only): read it, then delete the file. Set CADENZA_AUTH_ADMIN_PASSWORD"
                  + " (cadenza.auth.admin.password) to choose one.",
              username,
              passwordFile);
        } catch (IOException e) {
          log.error(
              "Created admin user '{}' with a generated password, but cannot write it to {}: {}."
                  + " Set CADENZA_AUTH_ADMIN_PASSWORD (cadenza.auth.admin.password) and restart to"
                  + " give it one.",
              username,
              passwordFile,
              e.toString());
        }
      }
      case CREATED -> {
        log.info("Created admin user '{}' with the configured password", username);
        removeStaleFile();
      }
      case PASSWORD_RESET -> {
        log.info("Reset the password of admin user '{}' to the configured one", username);
        removeStaleFile();
      }
      case UNCHANGED -> log.debug("Admin user '{}' exists", username);
    }
  }

  /** Writes the password to the file, readable by its owner only, replacing an older one. */
  private void write(String password) throws IOException {
    Files.createDirectories(passwordFile.getParent());
    Path temp =
        passwordFile.resolveSibling(PASSWORD_FILE + ".tmp-" + ProcessHandle.current().pid());
    Files.deleteIfExists(temp);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      Files.createFile(
          temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    Files.writeString(temp, password + "\n", StandardCharsets.UTF_8);
    Files.move(temp, passwordFile, StandardCopyOption.REPLACE_EXISTING);
  }

  /** A generated password's file no longer holds the password once a configured one applies. */
  private void removeStaleFile() {
    try {
      if (Files.deleteIfExists(passwordFile)) {
        log.info("Removed {}: the admin's password is the configured one now", passwordFile);
      }
    } catch (IOException e) {
      log.warn(
          "Cannot remove {}, which no longer holds the admin's password: {}",
          passwordFile,
          e.toString());
    }
  }

  @Override
  public void destroy() {
    done.cancel(true);
  }
}
