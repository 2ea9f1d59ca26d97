package dev.cadenza.stream.subsonic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountHttp;
import dev.cadenza.stream.account.AccountHttp.Answer;
import dev.cadenza.stream.account.AccountTestApp;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Real user accounts for the OpenSubsonic tests, made as an operator makes them: through {@code
 * POST /api/v1/users} as the configured admin ({@link AccountTestApp}), and API keys through {@code
 * POST /api/v1/me/keys} as the user.
 */
final class SubsonicUsers {

  /** Every test user's password (the admin's is {@link AccountTestApp#ADMIN_PASSWORD}). */
  static final String PASSWORD = "listener-password-42";

  private static final AtomicInteger NEXT = new AtomicInteger();

  private final AccountHttp http;

  SubsonicUsers(int port) {
    this.http = new AccountHttp(port);
  }

  /** A new user ({@code role} user or admin) named {@code prefix} and a number; its name. */
  String create(String prefix, String role) {
    String username = prefix + NEXT.incrementAndGet();
    Answer created =
        http.json(
            "POST",
            "/api/v1/users",
            AccountTestApp.admin(),
            Map.of("username", username, "password", PASSWORD, "role", role));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return username;
  }

  /** A new user of role {@code user}. */
  String create(String prefix) {
    return create(prefix, "user");
  }

  /** Sets the maximum bit rate (kbit/s) of {@code username}, as the admin. */
  void limit(String username, int maxBitRate) {
    Answer changed =
        http.json(
            "PATCH",
            "/api/v1/users/" + username,
            AccountTestApp.admin(),
            Map.of("maxBitRate", maxBitRate));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
  }

  /** A new API key of {@code username}, made by that user. */
  String apiKey(String username) {
    Answer created =
        http.json(
            "POST",
            "/api/v1/me/keys",
            AccountHttp.basic(username, PASSWORD),
            Map.of("name", "subsonic test"));
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    return created.json().get("key").asString();
  }
}
