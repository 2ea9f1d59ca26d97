package dev.cadenza.stream.web;

import java.net.URI;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/** The RFC 9457 problems the API answers with; each says what was wrong and with what. */
public final class Problems {

  private static final String TYPES = "https://cadenza.dev/problems/";

  private Problems() {}

  public static ErrorResponseException trackNotFound(String id) {
    return notFound("track", id);
  }

  public static ErrorResponseException notFound(String kind, String id) {
    return problem(
        HttpStatus.NOT_FOUND,
        "not-found",
        Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " not found",
        "No " + kind + " has id '" + id + "'.",
        Map.of("id", id));
  }

  public static ErrorResponseException coverNotFound(String id) {
    return problem(
        HttpStatus.NOT_FOUND,
        "no-cover",
        "No cover art",
        "Track '" + id + "' has no embedded cover and its folder no cover image.",
        Map.of("id", id));
  }

  public static ErrorResponseException trackUnavailable(String id, Throwable cause) {
    ErrorResponseException e =
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "track-unavailable",
            "Track unavailable",
            "The file of track '" + id + "' cannot be read right now.",
            Map.of("id", id),
            cause);
    e.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
    return e;
  }

  public static ErrorResponseException preconditionFailed(String id) {
    return problem(
        HttpStatus.PRECONDITION_FAILED,
        "precondition-failed",
        "Precondition failed",
        "If-Match or If-Unmodified-Since does not hold for the current version of track '"
            + id
            + "'.",
        Map.of());
  }

  public static ErrorResponseException rangeNotSatisfiable(String id, long size) {
    ErrorResponseException e =
        problem(
            HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
            "range-not-satisfiable",
            "Range not satisfiable",
            "No requested range overlaps the " + size + " bytes of track '" + id + "'.",
            Map.of("size", size));
    e.getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
    return e;
  }

  /** A query parameter with a value the API cannot use. */
  public static ErrorResponseException badParameter(String name, String value, String reason) {
    ErrorResponseException e =
        problem(
            HttpStatus.BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
            "Parameter '" + name + "' " + reason + ".",
            Map.of("parameter", name));
    // the offending value may be absent (null) and is reported as given
    e.getBody().setProperty("value", value);
    return e;
  }

  private static ErrorResponseException problem(
      HttpStatus status, String type, String title, String detail, Map<String, ?> properties) {
    return problem(status, type, title, detail, properties, null);
  }

  private static ErrorResponseException problem(
      HttpStatus status,
      String type,
      String title,
      String detail,
      Map<String, ?> properties,
      Throwable cause) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPES + type));
    p.setTitle(title);
    properties.forEach(p::setProperty);
    return new ErrorResponseException(status, p, cause);
  }
}
