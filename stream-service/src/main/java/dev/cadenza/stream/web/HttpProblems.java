package dev.cadenza.stream.web;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The RFC 9457 problems of HTTP itself, whatever the route: a method, a media type or a request
 * head the service does not take. Each names what was sent and what is accepted instead.
 */
public final class HttpProblems {

  private static final int QUOTED = 200;

  private HttpProblems() {}

  /** No route has this path. */
  public static ErrorResponseException routeNotFound(String method, String path) {
    return Problems.problem(
        HttpStatus.NOT_FOUND,
        "route-not-found",
        "Not found",
        "Nothing is served at '" + path + "' (" + method + "); docs/api.md lists the routes.",
        Map.of());
  }

  /** The path exists but not with this method; the answer carries {@code Allow}. */
  public static ErrorResponseException methodNotAllowed(
      String method, String path, Collection<String> allowed) {
    String list = String.join(", ", allowed);
    ErrorResponseException e =
        Problems.problem(
            HttpStatus.METHOD_NOT_ALLOWED,
            "method-not-allowed",
            "Method not allowed",
            method + " is not allowed on '" + path + "'; it allows " + list + ".",
            Map.of("method", method, "allowed", List.copyOf(allowed)));
    e.getHeaders().set(HttpHeaders.ALLOW, list);
    return e;
  }

  /** No representation the route has is acceptable to the client ({@code Accept}). */
  public static ErrorResponseException notAcceptable(String detail, Collection<String> available) {
    Map<String, Object> properties = new LinkedHashMap<>();
    if (!available.isEmpty()) {
      properties.put("available", List.copyOf(available));
    }
    return Problems.problem(
        HttpStatus.NOT_ACCEPTABLE, "not-acceptable", "Not acceptable", detail, properties);
  }

  /**
   * A body of a media type the route does not read; the answer names the accepted ones, also in
   * {@code Accept} (RFC 9110 section 15.5.16).
   */
  public static ErrorResponseException unsupportedMediaType(
      String contentType, Collection<String> accepted) {
    String list = String.join(", ", accepted);
    String sent =
        contentType == null || contentType.isBlank()
            ? "A body without Content-Type"
            : "Content-Type '" + contentType + "'";
    ErrorResponseException e =
        Problems.problem(
            HttpStatus.UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            sent + " is not accepted here; send " + list + ".",
            Map.of("accepted", List.copyOf(accepted)));
    e.getBody().setProperty("contentType", contentType);
    e.getHeaders().set(HttpHeaders.ACCEPT, list);
    return e;
  }

  /** A request body longer than the service reads. */
  public static ErrorResponseException bodyTooLarge(String detail) {
    return Problems.problem(
        HttpStatus.CONTENT_TOO_LARGE, "body-too-large", "Request body too large", detail, Map.of());
  }

  /**
   * A request the service cannot read at all: its head is malformed ({@code detail} says how), or
   * it asks for something HTTP does not allow.
   */
  public static ErrorResponseException badRequest(String detail) {
    return Problems.problem(HttpStatus.BAD_REQUEST, "bad-request", "Bad request", detail, Map.of());
  }

  /** A query parameter that takes one value was given several. */
  public static ErrorResponseException repeatedParameter(String name, List<String> values) {
    ErrorResponseException e =
        Problems.problem(
            HttpStatus.BAD_REQUEST,
            "repeated-parameter",
            "Repeated parameter",
            "Parameter '"
                + name
                + "' was given "
                + values.size()
                + " times; it takes one value (a list is one comma-separated value).",
            Map.of("parameter", name));
    e.getBody().setProperty("values", values);
    return e;
  }

  /**
   * A state-changing request a browser sent on behalf of another site: refused, since a form or
   * script there could otherwise use the listener's credentials (CSRF).
   */
  public static ErrorResponseException crossSite(String method, String why) {
    return Problems.problem(
        HttpStatus.FORBIDDEN,
        "cross-site-request",
        "Cross-site request refused",
        method
            + " from another site is refused: "
            + why
            + ". Changes are only taken from the service's own origin or from clients that are"
            + " not browsers.",
        Map.of());
  }

  /** The request line is longer than the service reads. */
  public static ErrorResponseException uriTooLong(int limit) {
    return Problems.problem(
        HttpStatus.URI_TOO_LONG,
        "uri-too-long",
        "URI too long",
        "The request line is longer than " + limit + " bytes; send fewer or shorter parameters.",
        Map.of("limit", limit));
  }

  /** The header section is larger than the service reads. */
  public static ErrorResponseException headersTooLarge(int limit) {
    return Problems.problem(
        HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
        "headers-too-large",
        "Request header fields too large",
        "The request's headers are larger than " + limit + " bytes.",
        Map.of("limit", limit));
  }

  /**
   * Something failed that no client input explains; the detail says nothing of it (the log does).
   */
  public static ErrorResponseException internalError() {
    return Problems.problem(
        HttpStatus.INTERNAL_SERVER_ERROR,
        "internal-error",
        "Internal error",
        "The service failed to answer this request; its log has the details.",
        Map.of());
  }

  /** Any other status: a problem of that status whose type is its reason phrase. */
  public static ErrorResponseException ofStatus(HttpStatus status, String detail) {
    String type = status.getReasonPhrase().toLowerCase(Locale.ROOT).replace(' ', '-');
    return Problems.problem(status, type, status.getReasonPhrase(), detail, Map.of());
  }

  /** Client text quoted in a detail: at most {@value #QUOTED} characters of it. */
  static String clip(String text) {
    return text == null || text.length() <= QUOTED ? text : text.substring(0, QUOTED) + "...";
  }
}
