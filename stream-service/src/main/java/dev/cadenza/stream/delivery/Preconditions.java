package dev.cadenza.stream.delivery;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Evaluates conditional request headers (looked up by name) against a representation's strong ETag
 * and modification time, in the order RFC 9110 §13.2.2 prescribes for GET and HEAD.
 */
final class Preconditions {

  /** What the preconditions decided. */
  enum Outcome {
    /** Serve the representation (ranges allowed when {@link #rangeAllowed}). */
    PROCEED,
    /** 304 Not Modified. */
    NOT_MODIFIED,
    /** 412 Precondition Failed. */
    FAILED
  }

  private Preconditions() {}

  static Outcome evaluate(UnaryOperator<String> header, String etag, Instant lastModified) {
    Instant modified = lastModified.truncatedTo(ChronoUnit.SECONDS);
    String ifMatch = header.apply("If-Match");
    if (ifMatch != null) {
      if (!EntityTags.anyMatch(ifMatch, etag, true)) {
        return Outcome.FAILED;
      }
    } else {
      Optional<Instant> since = HttpDates.parse(header.apply("If-Unmodified-Since"));
      if (since.isPresent() && modified.isAfter(since.get())) {
        return Outcome.FAILED;
      }
    }
    String ifNoneMatch = header.apply("If-None-Match");
    if (ifNoneMatch != null) {
      return EntityTags.anyMatch(ifNoneMatch, etag, false) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
    }
    Optional<Instant> since = HttpDates.parse(header.apply("If-Modified-Since"));
    if (since.isPresent() && !modified.isAfter(since.get())) {
      return Outcome.NOT_MODIFIED;
    }
    return Outcome.PROCEED;
  }

  /**
   * Whether a Range header may be honoured: no {@code If-Range}, or one that names the current
   * representation by strong ETag or by its exact modification date.
   */
  static boolean rangeAllowed(UnaryOperator<String> header, String etag, Instant lastModified) {
    String ifRange = header.apply("If-Range");
    if (ifRange == null) {
      return true;
    }
    String v = ifRange.strip();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      return EntityTags.anyMatch(v, etag, true);
    }
    return HttpDates.parse(v)
        .map(d -> d.equals(lastModified.truncatedTo(ChronoUnit.SECONDS)))
        .orElse(false);
  }
}
