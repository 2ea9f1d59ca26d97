package dev.cadenza.stream.delivery;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.Year;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** HTTP-date (RFC 9110 §5.6.7): IMF-fixdate to send, all three historic forms accepted. */
final class HttpDates {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US);

  /**
   * The last dates formatted, by second: every response carries its file's Last-Modified, and a
   * library's files are far fewer than its requests. A slot holds one immutable entry, so a race
   * costs a format, never a wrong date.
   */
  private static final AtomicReferenceArray<Formatted> FORMATTED = new AtomicReferenceArray<>(256);

  private record Formatted(long second, String value) {}

  private HttpDates() {}

  static String format(Instant instant) {
    long second = instant.getEpochSecond();
    int slot = (int) (second ^ (second >>> 8)) & (FORMATTED.length() - 1);
    Formatted known = FORMATTED.get(slot);
    if (known != null && known.second() == second) {
      return known.value();
    }
    String value = IMF_FIXDATE.format(instant);
    FORMATTED.set(slot, new Formatted(second, value));
    return value;
  }

  /** The instant a header value names, or empty when it is not an HTTP-date (then ignored). */
  static Optional<Instant> parse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    try {
      return Optional.of(ZonedDateTime.parse(v, IMF_FIXDATE).toInstant());
    } catch (DateTimeParseException ignored) {
      // try the obsolete forms
    }
    try {
      LocalDateTime t = LocalDateTime.parse(v, RFC_850);
      // two-digit years: a year more than 50 years ahead is in the past century (RFC 9110)
      if (t.getYear() > Year.now(ZoneOffset.UTC).getValue() + 50) {
        t = t.minusYears(100);
      }
      return Optional.of(t.toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException ignored) {
      // try asctime
    }
    try {
      return Optional.of(LocalDateTime.parse(v, ASCTIME).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException ignored) {
      return Optional.empty();
    }
  }
}
