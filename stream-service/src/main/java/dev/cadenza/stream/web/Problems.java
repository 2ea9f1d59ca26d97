package dev.cadenza.stream.web;

import java.net.URI;
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
    ProblemDetail p =
        problem(
            HttpStatus.NOT_FOUND,
            "not-found",
            Character.toUpperCase(kind.charAt(0)) + kind.substring(1) + " not found",
            "No " + kind + " has id '" + id + "'.");
    p.setProperty("id", id);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, p, null);
  }

  public static ErrorResponseException coverNotFound(String id) {
    ProblemDetail p =
        problem(
            HttpStatus.NOT_FOUND,
            "no-cover",
            "No cover art",
            "Track '" + id + "' has no embedded cover and its folder no cover image.");
    p.setProperty("id", id);
    return new ErrorResponseException(HttpStatus.NOT_FOUND, p, null);
  }

  public static ErrorResponseException trackUnavailable(String id, Throwable cause) {
    ProblemDetail p =
        problem(
            HttpStatus.SERVICE_UNAVAILABLE,
            "track-unavailable",
            "Track unavailable",
            "The file of track '" + id + "' cannot be read right now.");
    p.setProperty("id", id);
    ErrorResponseException e = new ErrorResponseException(HttpStatus.SERVICE_UNAVAILABLE, p, cause);
    e.getHeaders().set(HttpHeaders.RETRY_AFTER, "5");
    return e;
  }

  public static ErrorResponseException preconditionFailed(String id) {
    ProblemDetail p =
        problem(
            HttpStatus.PRECONDITION_FAILED,
            "precondition-failed",
            "Precondition failed",
            "If-Match or If-Unmodified-Since does not hold for the current version of track '"
                + id
                + "'.");
    return new ErrorResponseException(HttpStatus.PRECONDITION_FAILED, p, null);
  }

  public static ErrorResponseException rangeNotSatisfiable(String id, long size) {
    ProblemDetail p =
        problem(
            HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE,
            "range-not-satisfiable",
            "Range not satisfiable",
            "No requested range overlaps the " + size + " bytes of track '" + id + "'.");
    p.setProperty("size", size);
    ErrorResponseException e =
        new ErrorResponseException(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE, p, null);
    e.getHeaders().set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
    return e;
  }

  /** A query parameter with a value the API cannot use. */
  public static ErrorResponseException badParameter(String name, String value, String reason) {
    ProblemDetail p =
        problem(
            HttpStatus.BAD_REQUEST,
            "invalid-parameter",
            "Invalid parameter",
            "Parameter '" + name + "' " + reason + ".");
    p.setProperty("parameter", name);
    p.setProperty("value", value);
    return new ErrorResponseException(HttpStatus.BAD_REQUEST, p, null);
  }

  private static ProblemDetail problem(
      HttpStatus status, String type, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setType(URI.create(TYPES + type));
    p.setTitle(title);
    return p;
  }
}
