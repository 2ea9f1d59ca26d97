package dev.cadenza.stream.webapp;

/**
 * One file of the web player as it is served: its bytes, and gzipped when that is smaller.
 *
 * @param path relative to the {@code web/} tree, with {@code /} between segments
 * @param contentType the {@code Content-Type} to send
 * @param bytes the file (index.html with its {@code {{APP}}} replaced)
 * @param gzipped the bytes gzipped, or an empty array when gzip would not make them smaller
 * @param etag a strong entity tag of {@code bytes}, quoted; the gzipped form's ends in {@code -gz}
 */
record StaticFile(String path, String contentType, byte[] bytes, byte[] gzipped, String etag) {

  boolean hasGzip() {
    return gzipped.length > 0;
  }

  String gzipEtag() {
    return etag.substring(0, etag.length() - 1) + "-gz\"";
  }
}
