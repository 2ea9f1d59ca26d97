package dev.cadenza.stream.account;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** The JSON the user and API-key routes answer with. Never a password, hash, secret or key hash. */
final class AccountViews {

  private AccountViews() {}

  /**
   * A user. {@code created} is null for the anonymous admin of authentication off; {@code
   * maxBitRate} is in kbit/s, 0 for no limit.
   */
  record UserView(
      String id, String username, String role, boolean disabled, int maxBitRate, Instant created) {
    static UserView of(User u) {
      return new UserView(
          u.id(),
          u.username(),
          AccountViews.role(u.role()),
          u.disabled(),
          u.maxBitRate(),
          u.createdAt());
    }

    static UserView of(Listener l) {
      return new UserView(
          l.id(), l.username(), AccountViews.role(l.role()), false, l.maxBitRate(), null);
    }
  }

  /** An API key as listed. */
  record KeyView(String id, String name, Instant created, Instant lastUsed) {
    static KeyView of(ApiKeys.KeyInfo k) {
      return new KeyView(k.id(), k.name(), k.created(), k.lastUsed());
    }
  }

  /** A key just created: the only answer that carries {@code key}. */
  record CreatedKeyView(String id, String name, Instant created, String key) {}

  record Page<T>(List<T> items) {}

  static String role(Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }
}
