package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
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
 * gets a generated one, logged this once; a later start finds the admin and logs nothing. Pods
 * racing at start create it once (a conditional write).
 *
 * <p>Start-up waits for this up to {@link #WAIT}. A store that cannot be reached does not stop the
 * service (requests answer 503 until it is back, as for any store outage); the admin is then made
 * sure of in the background, retrying until the store answers.
 */
final class FirstAdmin implements SmartInitializingSingleton, DisposableBean {

  private static final Logger log = LoggerFactory.getLogger(FirstAdmin.class);

  /** How long start-up waits for the store. */
  static final Duration WAIT = Duration.ofSeconds(20);

  private final AuthProperties settings;
  private final Users users;
  private final SubsonicSecrets secrets;
  private CompletableFuture<Users.AdminOutcome> done = CompletableFuture.completedFuture(null);

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

  private static void report(Users.AdminOutcome outcome, String username, String generated) {
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

  @Override
  public void destroy() {
    done.cancel(true);
  }
}
