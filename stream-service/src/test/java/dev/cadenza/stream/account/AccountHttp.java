package dev.cadenza.stream.account;

import dev.cadenza.stream.testsupport.TestHttp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Requests to one service instance with a given {@code Authorization}, as curl would send them. */
public final class AccountHttp {

  public static final JsonMapper JSON = JsonMapper.builder().build();

  private final TestHttp http;

  public AccountHttp(int port) {
    this.http = new TestHttp(port);
  }

  /** An answer: status, raw body, and the body as JSON (null when empty or not JSON). */
  public record Answer(int status, HttpResponse<String> response) {
    public String body() {
      return response.body();
    }

    public JsonNode json() {
      String body = response.body();
      if (body == null || body.isBlank()) {
        return null;
      }
      try {
        return JSON.readTree(body);
      } catch (RuntimeException e) {
        return null;
      }
    }

    public String header(String name) {
      return response.headers().firstValue(name).orElse(null);
    }

    /** The last segment of the problem's type. */
    public String problem() {
      String type = json().get("type").asString();
      return type.substring(type.lastIndexOf('/') + 1);
    }
  }

  public static String basic(String username, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  public static String bearer(String key) {
    return "Bearer " + key;
  }

  public Answer get(String path, String authorization) {
    return send("GET", path, authorization, null, null);
  }

  public Answer delete(String path, String authorization) {
    return send("DELETE", path, authorization, null, null);
  }

  public Answer json(String method, String path, String authorization, Object body) {
    return send(method, path, authorization, JSON.writeValueAsString(body), "application/json");
  }

  public Answer send(
      String method, String path, String authorization, String body, String contentType) {
    HttpResponse<String> r =
        http.send(method, path, body, "Authorization", authorization, "Content-Type", contentType);
    return new Answer(r.statusCode(), r);
  }
}
