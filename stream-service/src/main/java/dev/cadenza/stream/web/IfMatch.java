package dev.cadenza.stream.web;

/**
 * An {@code If-Match} header on a command that changes a versioned resource (a session, a
 * playlist): {@code *}, or a list of entity tags one of which must be the resource's current {@code
 * "<version>"} (strong comparison, RFC 9110 section 13.1.1).
 */
public record IfMatch(String header) {

  /** The precondition of a request, or null when it has none. */
  public static IfMatch of(String header) {
    return header == null || header.isBlank() ? null : new IfMatch(header.trim());
  }

  public boolean matches(long version) {
    return matches(version, false);
  }

  /** For {@code If-None-Match}, which compares weakly: {@code W/"5"} matches version 5 too. */
  public boolean matchesWeakly(long version) {
    return matches(version, true);
  }

  private boolean matches(long version, boolean weak) {
    String current = "\"" + version + "\"";
    for (String tag : header.split(",")) {
      String t = tag.trim();
      if (weak && t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(current)) {
        return true;
      }
    }
    return false;
  }
}
