package dev.cadenza.stream.session;

/**
 * An {@code If-Match} header on a session command: {@code *}, or a list of entity tags one of which
 * must be the session's current {@code "<version>"} (strong comparison, RFC 9110 section 13.1.1).
 */
record IfMatch(String header) {

  /** The precondition of a request, or null when it has none. */
  static IfMatch of(String header) {
    return header == null || header.isBlank() ? null : new IfMatch(header.trim());
  }

  boolean matches(long version) {
    String current = "\"" + version + "\"";
    for (String tag : header.split(",")) {
      String t = tag.trim();
      if (t.equals("*") || t.equals(current)) {
        return true;
      }
    }
    return false;
  }
}
