package dev.cadenza.client;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * A request the service refused, or could not be made. For an error response it carries the RFC
 * 9457 problem details the service sent ({@link #status}, {@link #type}, {@link #title}, {@link
 * #detail}); a body that is not a problem still gives the status and a readable title. When no
 * usable answer arrived (connection refused, dropped, unreadable JSON) {@link #status} is 0 and the
 * cause is attached.
 */
public class CadenzaException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** How much of a non-problem error body goes into {@link #detail}. */
  private static final int MAX_DETAIL = 300;

  private final int status;
  private final String type;
  private final String title;
  private final String detail;

  public CadenzaException(int status, String type, String title, String detail, Throwable cause) {
    this(status, type, title, detail, null, cause);
  }

  private CadenzaException(
      int status, String type, String title, String detail, String request, Throwable cause) {
    super(message(status, title, detail, request), cause);
    this.status = status;
    this.type = type;
    this.title = title;
    this.detail = detail;
  }

  /** A failure with no HTTP answer behind it (status 0). */
  public CadenzaException(String title, String detail, Throwable cause) {
    this(0, null, title, detail, cause);
  }

  /** The HTTP status of the error response; 0 when there was none. */
  public int status() {
    return status;
  }

  /** The problem type URI, or null when the service sent none. */
  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  /** The problem's detail, or null. */
  public String detail() {
    return detail;
  }

  /**
   * The exception for an error response: its problem details when the body holds them; the message
   * names the request.
   */
  static CadenzaException ofResponse(HttpResponse<?> response, byte[] body) {
    int status = response.statusCode();
    String request = response.request().method() + " " + response.request().uri();
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    if (contentType.contains("json") && body.length > 0) {
      try {
        JsonNode problem = Json.MAPPER.readTree(body);
        if (problem.isObject()) {
          return new CadenzaException(
              problem.path("status").asInt(status) == 0 ? status : problem.path("status").asInt(),
              text(problem, "type"),
              text(problem, "title") != null ? text(problem, "title") : reason(status),
              text(problem, "detail"),
              request,
              null);
        }
      } catch (JacksonException e) {
        // not JSON after all: fall through to the raw body
      }
    }
    String text = new String(body, StandardCharsets.UTF_8).strip();
    if (text.length() > MAX_DETAIL) {
      text = text.substring(0, MAX_DETAIL) + "…";
    }
    return new CadenzaException(
        status, null, reason(status), text.isEmpty() ? null : text, request, null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? null : value.asString();
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 412 -> "Precondition Failed";
      case 415 -> "Unsupported Media Type";
      case 416 -> "Range Not Satisfiable";
      case 422 -> "Unprocessable Content";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "HTTP " + status;
    };
  }

  private static String message(int status, String title, String detail, String request) {
    StringBuilder m = new StringBuilder();
    if (status > 0) {
      m.append(status).append(' ');
    }
    m.append(title);
    if (detail != null && !detail.isBlank()) {
      m.append(": ").append(detail);
    }
    if (request != null) {
      m.append(" (").append(request).append(')');
    }
    return m.toString();
  }
}
