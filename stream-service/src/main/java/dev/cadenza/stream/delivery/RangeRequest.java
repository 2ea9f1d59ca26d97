package dev.cadenza.stream.delivery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A parsed {@code Range} header (RFC 9110 §14.1.2): byte range specs as the client wrote them,
 * resolved against a representation size with {@link #resolve(long)}.
 */
public final class RangeRequest {

  /** More specs than this is an abuse pattern (RFC 9110 §14.2); the header is then ignored. */
  static final int MAX_SPECS = 64;

  private final List<Spec> specs;

  private RangeRequest(List<Spec> specs) {
    this.specs = specs;
  }

  /** first-pos "-" [last-pos], or "-" suffix-length when {@code first} is null. */
  private record Spec(Long first, Long last, Long suffix) {}

  /**
   * Parses a {@code Range} header value. Empty when the value is not valid {@code bytes} range
   * syntax, which RFC 9110 says to ignore (the full representation is sent).
   */
  public static Optional<RangeRequest> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    int eq = header.indexOf('=');
    if (eq < 0 || !header.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
      return Optional.empty();
    }
    List<Spec> specs = new ArrayList<>();
    for (String element : header.substring(eq + 1).split(",", -1)) {
      String spec = element.strip();
      if (spec.isEmpty()) {
        continue; // the list rule allows empty elements
      }
      int dash = spec.indexOf('-');
      if (dash < 0 || specs.size() == MAX_SPECS) {
        return Optional.empty();
      }
      String a = spec.substring(0, dash);
      String b = spec.substring(dash + 1);
      if (a.isEmpty()) {
        if (!digits(b)) {
          return Optional.empty();
        }
        specs.add(new Spec(null, null, number(b)));
      } else {
        if (!digits(a) || !(b.isEmpty() || digits(b))) {
          return Optional.empty();
        }
        Long first = number(a);
        Long last = b.isEmpty() ? null : number(b);
        if (last != null && last < first) {
          return Optional.empty();
        }
        specs.add(new Spec(first, last, null));
      }
    }
    return specs.isEmpty() ? Optional.empty() : Optional.of(new RangeRequest(specs));
  }

  /**
   * The satisfiable ranges for a representation of {@code size} bytes, in request order; ranges
   * that overlap are coalesced (then in ascending order). Empty means 416.
   */
  public List<ByteRange> resolve(long size) {
    List<ByteRange> ranges = new ArrayList<>();
    for (Spec s : specs) {
      if (s.first() == null) {
        if (s.suffix() > 0 && size > 0) {
          ranges.add(new ByteRange(Math.max(0, size - s.suffix()), size - 1));
        }
      } else if (s.first() < size) {
        long last = s.last() == null ? size - 1 : Math.min(s.last(), size - 1);
        ranges.add(new ByteRange(s.first(), last));
      }
    }
    return overlapping(ranges) ? coalesce(ranges) : ranges;
  }

  private static boolean overlapping(List<ByteRange> ranges) {
    for (int i = 0; i < ranges.size(); i++) {
      for (int j = i + 1; j < ranges.size(); j++) {
        ByteRange x = ranges.get(i);
        ByteRange y = ranges.get(j);
        if (x.first() <= y.last() && y.first() <= x.last()) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<ByteRange> coalesce(List<ByteRange> ranges) {
    List<ByteRange> sorted = new ArrayList<>(ranges);
    sorted.sort(Comparator.comparingLong(ByteRange::first));
    List<ByteRange> merged = new ArrayList<>();
    ByteRange current = sorted.get(0);
    for (ByteRange next : sorted.subList(1, sorted.size())) {
      if (current.overlapsOrTouches(next)) {
        current = new ByteRange(current.first(), Math.max(current.last(), next.last()));
      } else {
        merged.add(current);
        current = next;
      }
    }
    merged.add(current);
    return merged;
  }

  private static boolean digits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Digits as a long; values past Long.MAX_VALUE saturate, which resolves the same way. */
  private static long number(String digits) {
    int start = 0; // skip leading zeros without a regex: this runs on every range request
    while (start < digits.length() - 1 && digits.charAt(start) == '0') {
      start++;
    }
    if (digits.length() - start > 19) {
      return Long.MAX_VALUE;
    }
    try {
      return Long.parseLong(digits, start, digits.length(), 10);
    } catch (NumberFormatException pastMaxValue) { // 19 digits above 9223372036854775807
      return Long.MAX_VALUE;
    }
  }
}
