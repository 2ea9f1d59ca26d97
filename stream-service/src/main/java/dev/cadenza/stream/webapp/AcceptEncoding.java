package dev.cadenza.stream.webapp;

import java.util.List;
import java.util.Locale;

/** What {@code Accept-Encoding} (RFC 9110 section 12.5.3) says about gzip. */
final class AcceptEncoding {

  private AcceptEncoding() {}

  /**
   * Whether the header lines (may be null) allow gzip: named with a non-zero weight, or not named
   * and {@code *} allowed.
   */
  static boolean allowsGzip(List<String> lines) {
    if (lines == null) {
      return false;
    }
    Double gzip = null;
    Double any = null;
    for (String line : lines) {
      for (String entry : line.split(",")) {
        String[] parts = entry.split(";");
        String coding = parts[0].strip().toLowerCase(Locale.ROOT);
        double q = weight(parts);
        if (coding.equals("gzip") || coding.equals("x-gzip")) {
          gzip = gzip == null ? q : Math.max(gzip, q);
        } else if (coding.equals("*")) {
          any = any == null ? q : Math.max(any, q);
        }
      }
    }
    return gzip != null ? gzip > 0 : any != null && any > 0;
  }

  /** The {@code q} parameter of an entry; 1 without one, 0 when it is not a number. */
  private static double weight(String[] parts) {
    for (int i = 1; i < parts.length; i++) {
      String p = parts[i].strip();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          double q = Double.parseDouble(p.substring(2).strip());
          return q >= 0 && q <= 1 ? q : 0;
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 1;
  }
}
