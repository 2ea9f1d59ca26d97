package dev.cadenza.stream.account;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * The admin from {@code cadenza.auth.admin.*}, made sure of at start (before the server takes
 * requests): created if missing, its password reset when the configured one differs. Without a
 * configured password a created admin gets a generated one, logged this once; a later start finds
 * the admin and logs nothing. Pods racing at start create it once (a conditional write).
 */
final class FirstAdmin implements SmartInitializingSingleton {

  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

  /** How long start-up waits for the store. */
  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  private final AuthProperties settings;
  private final Users users;
  private final SubsonicSecrets secrets;

  FirstAdmin(AuthProperties settings, Users users, SubsonicSecrets secrets) {
    this.settings = settings;
    this.users = users;
    this.secrets = secrets;
  }

  @Override
  public void afterSingletonsInstantiated() {
    if (!settings.enabled()) {
      return;
    }
    secrets.load();
    String username = settings.admin().username();
    String generated = Passwords.generate();
    Users.AdminOutcome outcome =
        users.ensureAdmin(username, settings.admin().password(), generated).block(TIMEOUT);
    switch (outcome) {
      case CREATED_WITH_GENERATED_PASSWORD ->
          // the one place a password is logged, on purpose: nobody else can know it
          log.warn(
              "Created admin user '{}' with generated password {} ; it is shown only this once."
                  + " Set CADENZA_AUTH_ADMIN_PASSWORD (cadenza.auth.admin.password) to choose one.",
              username,
              generated);
      case CREATED -> log.info("Created admin user '{}' with the configured password", username);
      case PASSWORD_RESET ->
          log.info("Reset the password of admin user '{}' to the configured one", username);
      case UNCHANGED -> log.debug("Admin user '{}' exists", username);
    }
  }
}
