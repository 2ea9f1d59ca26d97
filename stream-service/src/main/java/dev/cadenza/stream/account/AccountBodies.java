package dev.cadenza.stream.account;

import dev.cadenza.stream.web.JsonBody;
import dev.cadenza.stream.web.Problems;
import java.util.Locale;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON bodies of the user and API-key routes, checked field by field (400 naming the field).
 */
final class AccountBodies {

  record NewUser(String username, String password, Role role, int maxBitRate) {}

  record PasswordChange(String current, String replacement) {}

  record Login(String username, String password) {}

  private final JsonMapper json;

  AccountBodies(JsonMapper json) {
    this.json = json;
  }

  NewUser newUser(String body) {
    JsonBody n =
        JsonBody.object(json, body, "NewUser", "username", "password", "role", "maxBitRate");
    String username = required(n, "username");
    if (!Usernames.valid(username)) {
      throw Problems.invalidBody("username", "Field 'username': " + Usernames.RULE + ".");
    }
    String password = password(n, "password", true);
    Role role = role(n);
    Integer maxBitRate = maxBitRate(n);
    return new NewUser(
        username,
        password,
        role == null ? Role.USER : role,
        maxBitRate == null ? MaxBitRates.NO_LIMIT : maxBitRate);
  }

  Users.Change change(String body) {
    JsonBody n =
        JsonBody.object(json, body, "UserChange", "password", "role", "disabled", "maxBitRate");
    return new Users.Change(
        password(n, "password", false), role(n), n.bool("disabled"), maxBitRate(n));
  }

  PasswordChange passwordChange(String body) {
    JsonBody n = JsonBody.object(json, body, "PasswordChange", "current", "new");
    return new PasswordChange(required(n, "current"), password(n, "new", true));
  }

  /** A web login; the password is checked, not judged (an old one may break today's rules). */
  Login login(String body) {
    JsonBody n = JsonBody.object(json, body, "Login", "username", "password");
    return new Login(required(n, "username"), required(n, "password"));
  }

  /** A key's name: 1 to {@link ApiKeys#MAX_NAME} characters. */
  String keyName(String body) {
    JsonBody n = JsonBody.object(json, body, "NewApiKey", "name");
    String name = required(n, "name").strip();
    if (name.isEmpty() || name.length() > ApiKeys.MAX_NAME) {
      throw Problems.invalidBody(
          "name",
          "Field 'name' must have 1 to "
              + ApiKeys.MAX_NAME
              + " characters, got "
              + name.length()
              + ".");
    }
    return name;
  }

  private static String required(JsonBody n, String field) {
    String value = n.string(field);
    if (value == null) {
      throw Problems.invalidBody(field, "Field '" + field + "' is required.");
    }
    return value;
  }

  /** A password field; the value is never quoted back. */
  private static String password(JsonBody n, String field, boolean required) {
    String password = required ? required(n, field) : n.string(field);
    if (password == null) {
      return null;
    }
    String problem = Passwords.problem(password);
    if (problem != null) {
      throw Problems.invalidBody(field, "Field '" + field + "': " + problem + ".");
    }
    return password;
  }

  private static Integer maxBitRate(JsonBody n) {
    Long kbps = n.integer("maxBitRate", MaxBitRates.RULE);
    if (kbps == null) {
      return null;
    }
    if (!MaxBitRates.valid(kbps)) {
      throw Problems.invalidBody(
          "maxBitRate", "Field 'maxBitRate' must be " + MaxBitRates.RULE + ", got " + kbps + ".");
    }
    return kbps.intValue();
  }

  private static Role role(JsonBody n) {
    String role = n.string("role");
    if (role == null) {
      return null;
    }
    return switch (role.toLowerCase(Locale.ROOT)) {
      case "admin" -> Role.ADMIN;
      case "user" -> Role.USER;
      default ->
          throw Problems.invalidBody(
              "role", "Field 'role' must be 'admin' or 'user', got '" + role + "'.");
    };
  }
}
