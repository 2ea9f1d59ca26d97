package dev.cadenza.stream.account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FailedLoginsTest {

  final AtomicLong now = new AtomicLong(1_000_000_000L);
  final FailedLogins failures =
      new FailedLogins(
          new AuthProperties.FailedLogins(
              3, 10, Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMinutes(2)),
          now::get);

  void advance(Duration d) {
    now.addAndGet(d.toNanos());
  }

  long refusedFor(String user, String address) {
    try {
      failures.check(user, address);
      return 0;
    } catch (Authenticator.Refused r) {
      assertThat(r.reason()).isEqualTo(Authenticator.Reason.RATE_LIMITED);
      return r.retryAfterSeconds();
    }
  }

  @Test
  void aUserIsLockedOutAfterTheMaximumOfFailuresAndTheLockoutDoubles() {
    failures.failed("Ann", "10.0.0.1");
    failures.failed("ann", "10.0.0.2");
    assertThat(refusedFor("ann", "10.0.0.3")).isZero();
    failures.failed("ANN", "10.0.0.3");
    assertThat(refusedFor("ann", "10.0.0.9")).isEqualTo(30);
    assertThat(refusedFor("bob", "10.0.0.9")).as("another user from another address").isZero();

    advance(Duration.ofSeconds(31));
    assertThat(refusedFor("ann", "10.0.0.9")).isZero();
    for (int i = 0; i < 3; i++) {
      failures.failed("ann", "10.0.0.4");
    }
    assertThat(refusedFor("ann", null)).isEqualTo(60);
    advance(Duration.ofSeconds(61));
    for (int i = 0; i < 3; i++) {
      failures.failed("ann", "10.0.0.4");
    }
    assertThat(refusedFor("ann", null)).isEqualTo(120);
    advance(Duration.ofSeconds(121));
    for (int i = 0; i < 3; i++) {
      failures.failed("ann", "10.0.0.4");
    }
    assertThat(refusedFor("ann", null)).as("at most max-lockout").isEqualTo(120);
  }

  @Test
  void failuresOutsideTheWindowDoNotAddUp() {
    failures.failed("cid", "10.0.0.1");
    failures.failed("cid", "10.0.0.1");
    advance(Duration.ofMinutes(6));
    failures.failed("cid", "10.0.0.1");
    assertThat(refusedFor("cid", "10.0.0.2")).isZero();
  }

  @Test
  void anAddressTryingManyUsernamesIsLockedOut() {
    for (int i = 0; i < 10; i++) {
      failures.failed("user" + i, "192.0.2.7");
    }
    assertThat(refusedFor("someone-else", "192.0.2.7")).isEqualTo(30);
    assertThat(refusedFor("someone-else", "192.0.2.8")).isZero();
  }

  @Test
  void aSuccessClearsTheUsersCount() {
    failures.failed("dee", "10.0.0.1");
    failures.failed("dee", "10.0.0.1");
    failures.succeeded("dee");
    failures.failed("dee", "10.0.0.1");
    assertThatCode(() -> failures.check("dee", "10.0.0.1")).doesNotThrowAnyException();
  }

  @Test
  void apiKeyFailuresCountPerAddressOnly() {
    for (int i = 0; i < 9; i++) {
      failures.failed(null, "198.51.100.1");
    }
    assertThat(refusedFor(null, "198.51.100.1")).isZero();
    failures.failed(null, "198.51.100.1");
    assertThatThrownBy(() -> failures.check(null, "198.51.100.1"))
        .isInstanceOf(Authenticator.Refused.class);
  }
}
