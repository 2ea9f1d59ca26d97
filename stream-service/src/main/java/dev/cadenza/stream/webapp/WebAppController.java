package dev.cadenza.stream.webapp;

import dev.cadenza.stream.web.Problems;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves the web player (docs/web.md): the page at {@code /}, revalidated on every load ({@code
 * no-cache} with an ETag), and its files at {@code /app/<version>/<path>}, cached for a year since
 * their URL changes with their content. Every answer carries the Content-Security-Policy that keeps
 * the page to its own scripts, styles and media. No route here needs credentials: the page logs in
 * through the API.
 */
@RestController
@ConditionalOnProperty(
    name = WebAppConfiguration.ENABLED,
    havingValue = "true",
    matchIfMissing = true)
class WebAppController {

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:;"
          + " connect-src 'self'; style-src 'self'; script-src 'self'; object-src 'none';"
          + " base-uri 'none'; frame-ancestors 'none'";

  private static final String IMMUTABLE = "public, max-age=31536000, immutable";
  private static final String FAVICON = "favicon.svg";

  private final WebAppFiles files;

  WebAppController(WebAppFiles files) {
    this.files = files;
  }

  @GetMapping("/")
  ResponseEntity<byte[]> page(ServerHttpRequest request) {
    return send(files.index(), "no-cache", request);
  }

  @GetMapping("/app/{version}/{*path}")
  ResponseEntity<byte[]> file(
      @PathVariable String version, @PathVariable String path, ServerHttpRequest request) {
    String relative = path.startsWith("/") ? path.substring(1) : path;
    if (!version.equals(files.version())) {
      throw oldVersion(version);
    }
    StaticFile file = files.file(relative).orElseThrow(() -> fileNotFound(relative));
    return send(file, IMMUTABLE, request);
  }

  @GetMapping("/favicon.ico")
  ResponseEntity<byte[]> favicon(ServerHttpRequest request) {
    StaticFile icon = files.file(FAVICON).orElseThrow(() -> fileNotFound(FAVICON));
    return send(icon, "public, max-age=86400", request);
  }

  private static ResponseEntity<byte[]> send(
      StaticFile file, String cacheControl, ServerHttpRequest request) {
    boolean gzip =
        file.hasGzip()
            && AcceptEncoding.allowsGzip(request.getHeaders().get(HttpHeaders.ACCEPT_ENCODING));
    String etag = gzip ? file.gzipEtag() : file.etag();
    HttpHeaders headers = new HttpHeaders();
    headers.set(HttpHeaders.CACHE_CONTROL, cacheControl);
    headers.set(HttpHeaders.ETAG, etag);
    headers.set(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("Referrer-Policy", "same-origin");
    if (matches(request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH), file)) {
      return ResponseEntity.status(HttpStatus.NOT_MODIFIED).headers(headers).build();
    }
    headers.set(HttpHeaders.CONTENT_TYPE, file.contentType());
    if (gzip) {
      headers.set(HttpHeaders.CONTENT_ENCODING, "gzip");
    }
    return ResponseEntity.ok().headers(headers).body(gzip ? file.gzipped() : file.bytes());
  }

  /**
   * Whether {@code ifNoneMatch} names the file in either encoding (the weak comparison of RFC 9110
   * section 13.1.2: a {@code W/} prefix does not matter).
   */
  static boolean matches(String ifNoneMatch, StaticFile file) {
    if (ifNoneMatch == null) {
      return false;
    }
    for (String tag : ifNoneMatch.split(",")) {
      String t = tag.strip();
      if (t.startsWith("W/")) {
        t = t.substring(2);
      }
      if (t.equals("*") || t.equals(file.etag()) || t.equals(file.gzipEtag())) {
        return true;
      }
    }
    return false;
  }

  private static ErrorResponseException fileNotFound(String path) {
    return Problems.problem(
        HttpStatus.NOT_FOUND,
        "app-file-not-found",
        "File not found",
        "The web player has no file '" + clip(path) + "'.",
        Map.of("path", clip(path)));
  }

  private ErrorResponseException oldVersion(String version) {
    return Problems.problem(
        HttpStatus.NOT_FOUND,
        "app-version-gone",
        "Web player version gone",
        "This service serves web player version '"
            + files.version()
            + "', not '"
            + clip(version)
            + "'; reload the page at /.",
        Map.of("version", files.version()));
  }

  private static String clip(String s) {
    return s.length() > 100 ? s.substring(0, 100) + "..." : s;
  }
}
