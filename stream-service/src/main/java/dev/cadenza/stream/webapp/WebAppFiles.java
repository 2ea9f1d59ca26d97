package dev.cadenza.stream.webapp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

/**
 * The web player's files, read once at start from the {@code web/} tree on the class path and kept
 * in memory with their gzipped form: a few hundred KiB at most, and every request then costs a map
 * lookup. The {@link #version()} is a hash over the whole tree, so a changed file gets a new URL
 * ({@code /app/<version>/...}) and the old ones can be cached for a year.
 */
final class WebAppFiles {

  /** The class-path directory of the web player. */
  static final String ROOT = "web/";

  /** The page; its {@link #APP_PLACEHOLDER} becomes {@code /app/<version>}. */
  static final String INDEX = "index.html";

  static final String APP_PLACEHOLDER = "{{APP}}";

  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html;charset=utf-8"),
          Map.entry("js", "text/javascript;charset=utf-8"),
          Map.entry("mjs", "text/javascript;charset=utf-8"),
          Map.entry("css", "text/css;charset=utf-8"),
          Map.entry("json", "application/json"),
          Map.entry("webmanifest", "application/manifest+json"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("webp", "image/webp"),
          Map.entry("ico", "image/x-icon"),
          Map.entry("woff2", "font/woff2"),
          Map.entry("txt", "text/plain;charset=utf-8"));

  private final String version;
  private final Map<String, StaticFile> files;

  private WebAppFiles(String version, Map<String, StaticFile> files) {
    this.version = version;
    this.files = files;
  }

  /** The tree under {@link #ROOT} of {@code classLoader}'s class path. */
  static WebAppFiles load(ClassLoader classLoader) {
    Map<String, byte[]> raw = new TreeMap<>();
    try {
      var resolver = new PathMatchingResourcePatternResolver(classLoader);
      Resource root = resolver.getResource("classpath:" + ROOT);
      if (!root.exists()) {
        throw new IllegalStateException("the web player's files (" + ROOT + ") are missing");
      }
      String rootUrl = root.getURL().toString();
      for (Resource r : resolver.getResources("classpath*:" + ROOT + "**")) {
        String url = r.getURL().toString();
        if (url.endsWith("/") || !r.isReadable() || !url.startsWith(rootUrl)) {
          continue; // a directory, or the same tree from another class-path entry
        }
        try (InputStream in = r.getInputStream()) {
          raw.put(url.substring(rootUrl.length()), in.readAllBytes());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the web player's files: " + e.getMessage(), e);
    }
    return of(raw);
  }

  /** The files of {@code raw} (path to bytes), as they are served. */
  static WebAppFiles of(Map<String, byte[]> raw) {
    if (!raw.containsKey(INDEX)) {
      throw new IllegalStateException("the web player has no " + ROOT + INDEX);
    }
    MessageDigest tree = sha256();
    new TreeMap<>(raw)
        .forEach(
            (path, bytes) -> {
              tree.update(path.getBytes(StandardCharsets.UTF_8));
              tree.update((byte) 0);
              tree.update(Long.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
              tree.update((byte) 0);
              tree.update(bytes);
            });
    String version = HexFormat.of().formatHex(tree.digest()).substring(0, 12);
    Map<String, StaticFile> files = new TreeMap<>();
    raw.forEach(
        (path, bytes) -> {
          byte[] served =
              path.equals(INDEX)
                  ? new String(bytes, StandardCharsets.UTF_8)
                      .replace(APP_PLACEHOLDER, "/app/" + version)
                      .getBytes(StandardCharsets.UTF_8)
                  : bytes;
          files.put(path, file(path, served));
        });
    return new WebAppFiles(version, Map.copyOf(files));
  }

  private static StaticFile file(String path, byte[] bytes) {
    byte[] gzipped = gzip(bytes);
    String etag = "\"" + HexFormat.of().formatHex(sha256().digest(bytes)).substring(0, 20) + "\"";
    return new StaticFile(
        path,
        contentType(path),
        bytes,
        gzipped.length < bytes.length ? gzipped : new byte[0],
        etag);
  }

  static String contentType(String path) {
    int dot = path.lastIndexOf('.');
    String extension = dot < 0 ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    return TYPES.getOrDefault(extension, "application/octet-stream");
  }

  /** The first 12 hex digits of a SHA-256 over every path and file of the tree. */
  String version() {
    return version;
  }

  /** The page, with its placeholder replaced. */
  StaticFile index() {
    return files.get(INDEX);
  }

  Optional<StaticFile> file(String path) {
    return Optional.ofNullable(files.get(path));
  }

  int count() {
    return files.size();
  }

  long bytes() {
    return files.values().stream().mapToLong(f -> f.bytes().length).sum();
  }

  long gzippedBytes() {
    return files.values().stream()
        .mapToLong(f -> f.hasGzip() ? f.gzipped().length : f.bytes().length)
        .sum();
  }

  private static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 3 + 64);
    try (GZIPOutputStream gz =
        new GZIPOutputStream(out) {
          {
            def.setLevel(9);
          }
        }) {
      gz.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
