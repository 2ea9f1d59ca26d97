package dev.cadenza.stream.webapp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WebAppFilesTest {

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static Map<String, byte[]> tree(String js) {
    return Map.of(
        "index.html", utf8("<script type=\"module\" src=\"{{APP}}/app.js\"></script>"),
        "app.js", utf8(js),
        "lib/tiny.svg", utf8("<svg/>"));
  }

  @Test
  void theVersionChangesWithAnyFileAndTheIndexPointsAtIt() {
    WebAppFiles a = WebAppFiles.of(tree("export const a = 1;"));
    WebAppFiles same = WebAppFiles.of(tree("export const a = 1;"));
    WebAppFiles b = WebAppFiles.of(tree("export const a = 2;"));
    assertThat(a.version()).matches("[0-9a-f]{12}").isEqualTo(same.version());
    assertThat(b.version()).isNotEqualTo(a.version());
    assertThat(new String(a.index().bytes(), StandardCharsets.UTF_8))
        .isEqualTo("<script type=\"module\" src=\"/app/" + a.version() + "/app.js\"></script>");
    assertThat(a.file("lib/tiny.svg")).isPresent();
    assertThat(a.file("../app.js")).isEmpty();
  }

  @Test
  void gzipIsKeptOnlyWhenItIsSmaller() {
    WebAppFiles files = WebAppFiles.of(tree("// " + "repeated text ".repeat(200)));
    assertThat(files.file("app.js").orElseThrow().hasGzip()).isTrue();
    assertThat(files.file("lib/tiny.svg").orElseThrow().hasGzip()).isFalse();
  }

  @Test
  void typesFollowTheExtension() {
    assertThat(WebAppFiles.contentType("a/app.js")).isEqualTo("text/javascript;charset=utf-8");
    assertThat(WebAppFiles.contentType("app.css")).isEqualTo("text/css;charset=utf-8");
    assertThat(WebAppFiles.contentType("x.SVG")).isEqualTo("image/svg+xml");
    assertThat(WebAppFiles.contentType("f.woff2")).isEqualTo("font/woff2");
    assertThat(WebAppFiles.contentType("m.webmanifest")).isEqualTo("application/manifest+json");
    assertThat(WebAppFiles.contentType("README")).isEqualTo("application/octet-stream");
  }

  @Test
  void aTreeWithoutAnIndexIsRefusedAtStart() {
    assertThatThrownBy(() -> WebAppFiles.of(Map.of("app.js", utf8("x"))))
        .hasMessageContaining("index.html");
  }

  @Test
  void acceptEncodingIsReadWithItsWeights() {
    assertThat(AcceptEncoding.allowsGzip(null)).isFalse();
    assertThat(AcceptEncoding.allowsGzip(List.of("gzip, deflate, br"))).isTrue();
    assertThat(AcceptEncoding.allowsGzip(List.of("br", "GZIP;q=0.5"))).isTrue();
    assertThat(AcceptEncoding.allowsGzip(List.of("gzip;q=0"))).isFalse();
    assertThat(AcceptEncoding.allowsGzip(List.of("*"))).isTrue();
    assertThat(AcceptEncoding.allowsGzip(List.of("*, gzip;q=0"))).isFalse();
    assertThat(AcceptEncoding.allowsGzip(List.of("identity"))).isFalse();
    assertThat(AcceptEncoding.allowsGzip(List.of("gzip;q=x"))).isFalse();
  }
}
