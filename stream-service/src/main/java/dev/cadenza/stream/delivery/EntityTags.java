package dev.cadenza.stream.delivery;

/** Entity-tag lists as in If-Match and If-None-Match (RFC 9110 §8.8.3). */
final class EntityTags {

  private EntityTags() {}

  /**
   * Whether a header's list ({@code *} or comma-separated entity-tags) matches {@code etag}, a
   * quoted strong tag. Strong comparison never matches a weak tag; weak comparison ignores W/.
   */
  static boolean anyMatch(String header, String etag, boolean strong) {
    String list = header.strip();
    if (list.equals("*")) {
      return true;
    }
    int i = 0;
    while (i < list.length()) {
      char c = list.charAt(i);
      if (c == ',' || c == ' ' || c == '\t') {
        i++;
        continue;
      }
      boolean weak = list.startsWith("W/", i);
      int open = weak ? i + 2 : i;
      if (open >= list.length() || list.charAt(open) != '"') {
        return false; // not an entity-tag list: matches nothing
      }
      int close = list.indexOf('"', open + 1);
      if (close < 0) {
        return false;
      }
      String tag = list.substring(open, close + 1);
      if (tag.equals(etag) && !(strong && weak)) {
        return true;
      }
      i = close + 1;
    }
    return false;
  }
}
