package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore.Item;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * A user as stored: the item {@code user#<id>} / {@code profile}. The username index item ({@code
 * usernames} / lower-case name) points at it; it is what makes names unique across pods.
 *
 * @param id random and stable; the key of everything the user owns
 * @param passwordHash Argon2id, with its parameters
 * @param subsonicSecret the password sealed by {@link SubsonicSecrets}, for Subsonic token auth
 * @param maxBitRate the most kbit/s the user's streams may take, {@link MaxBitRates#NO_LIMIT} for
 *     none; set by admins only
 * @param version the item's version, which an update is conditional on
 */
record User(
    String id,
    String username,
    Role role,
    boolean disabled,
    String passwordHash,
    String subsonicSecret,
    int maxBitRate,
    Instant createdAt,
    long version) {

  static final String USERNAMES = "usernames";
  static final String PROFILE = "profile";

  static String partition(String userId) {
    return "user#" + userId;
  }

  Listener listener() {
    return new Listener(id, username, role, maxBitRate);
  }

  Item item() {
    Map<String, String> a = new HashMap<>();
    a.put("username", username);
    a.put("role", role.name());
    a.put("disabled", Boolean.toString(disabled));
    a.put("passwordHash", passwordHash);
    if (subsonicSecret != null) {
      a.put("subsonicSecret", subsonicSecret);
    }
    a.put("maxBitRate", Integer.toString(maxBitRate));
    a.put("createdAt", createdAt.toString());
    return Item.of(partition(id), PROFILE, a);
  }

  /** The username index item that names this user. */
  Item usernameItem() {
    return Item.of(USERNAMES, Usernames.key(username), Map.of("id", id, "username", username));
  }

  static User of(String id, Item item) {
    return new User(
        id,
        item.get("username").orElseThrow(),
        Role.valueOf(item.get("role").orElse(Role.USER.name())),
        Boolean.parseBoolean(item.get("disabled").orElse("false")),
        item.get("passwordHash").orElseThrow(),
        item.get("subsonicSecret").orElse(null),
        // profiles written before the limit existed have none
        item.get("maxBitRate").map(Integer::parseInt).orElse(MaxBitRates.NO_LIMIT),
        Instant.parse(item.get("createdAt").orElseThrow()),
        item.version());
  }

  User withPassword(String hash, String secret) {
    return new User(id, username, role, disabled, hash, secret, maxBitRate, createdAt, version);
  }

  User withRole(Role r) {
    return new User(
        id, username, r, disabled, passwordHash, subsonicSecret, maxBitRate, createdAt, version);
  }

  User withDisabled(boolean d) {
    return new User(
        id, username, role, d, passwordHash, subsonicSecret, maxBitRate, createdAt, version);
  }

  User withMaxBitRate(int kbps) {
    return new User(
        id, username, role, disabled, passwordHash, subsonicSecret, kbps, createdAt, version);
  }

  User withVersion(long v) {
    return new User(
        id, username, role, disabled, passwordHash, subsonicSecret, maxBitRate, createdAt, v);
  }

  boolean enabledAdmin() {
    return role == Role.ADMIN && !disabled;
  }

  @Override
  public String toString() {
    return "User[" + username + ", " + role + (disabled ? ", disabled" : "") + "]";
  }
}
