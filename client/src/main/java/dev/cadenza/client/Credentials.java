package dev.cadenza.client;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * How the client proves who it is (docs/auth.md): an API key, sent as {@code Authorization:
 * Bearer}, or a username and password, sent as HTTP Basic. {@link #NONE} sends nothing, for a
 * service with authentication off or for public routes only. {@link #toString()} never shows the
 * secret.
 */
public final class Credentials {

  /** No credentials. */
  public static final Credentials NONE = new Credentials(null, "none");

  private final String authorization;
  private final String description;

  private Credentials(String authorization, String description) {
    this.authorization = authorization;
    this.description = description;
  }

  /** An API key ({@code cdz_...}), as {@code Authorization: Bearer <key>}. */
  public static Credentials apiKey(String key) {
    if (key == null || key.isBlank()) {
      throw new IllegalArgumentException("an API key must not be blank");
    }
    return new Credentials("Bearer " + key.strip(), "API key");
  }

  /** A username and password, as HTTP Basic. */
  public static Credentials password(String username, String password) {
    Objects.requireNonNull(password, "password");
    if (username == null || username.isBlank() || username.contains(":")) {
      throw new IllegalArgumentException("a username must not be blank or contain ':'");
    }
    String pair = username + ":" + password;
    return new Credentials(
        "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)),
        "user " + username);
  }

  /** The {@code Authorization} header's value, or null for {@link #NONE}. */
  public String authorization() {
    return authorization;
  }

  @Override
  public String toString() {
    return "Credentials[" + description + "]";
  }
}
