package dev.cadenza.stream.webapp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.account.AccountTestApp;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.stream.testsupport.TestAudio;
import dev.cadenza.stream.testsupport.TestHttp;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web player's page and files as the service serves them, authentication on. */
class WebAppTest {

  @TempDir static Path library;
  @TempDir static Path data;
  static TestApp app;
  static TestHttp http;
  static String version;

  @BeforeAll
  static void start() throws Exception {
    TestAudio.wav(library.resolve("one.wav"), 44_100, 1);
    app = AccountTestApp.start(library, data);
    http = new TestHttp(app.port());
    version = app.app().getBean(WebAppFiles.class).version();
  }

  @AfterAll
  static void stop() {
    if (app != null) {
      app.app().close();
    }
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    var b = http.request(path);
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return TestHttp.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static String header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name).orElse(null);
  }

  @Test
  void thePageIsServedWithoutCredentialsRevalidatedAndLockedDownByItsPolicy() throws Exception {
    HttpResponse<byte[]> page = get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(header(page, "Content-Type")).isEqualTo("text/html;charset=utf-8");
    assertThat(header(page, "Cache-Control")).isEqualTo("no-cache");
    assertThat(header(page, "ETag")).matches("\"[0-9a-f]{20}\"");
    assertThat(header(page, "Content-Security-Policy"))
        .isEqualTo(WebAppController.CONTENT_SECURITY_POLICY)
        .contains("script-src 'self'", "frame-ancestors 'none'", "object-src 'none'");
    assertThat(header(page, "X-Content-Type-Options")).isEqualTo("nosniff");
    assertThat(header(page, "Referrer-Policy")).isEqualTo("same-origin");
    String html = new String(page.body(), StandardCharsets.UTF_8);
    assertThat(version).matches("[0-9a-f]{12}");
    assertThat(html)
        .contains("src=\"/app/" + version + "/app.js\"")
        .doesNotContain(WebAppFiles.APP_PLACEHOLDER);
    // the API still needs credentials
    assertThat(get("/api/v1/tracks").statusCode()).isEqualTo(401);
  }

  @Test
  void everyFileTheIndexNamesIsServedImmutableWithItsType() throws Exception {
    String html = new String(get("/").body(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?:src|href)=\"(/app/[^\"]+)\"").matcher(html);
    int found = 0;
    while (m.find()) {
      found++;
      HttpResponse<byte[]> file = get(m.group(1));
      assertThat(file.statusCode()).as(m.group(1)).isEqualTo(200);
      assertThat(header(file, "Cache-Control")).isEqualTo("public, max-age=31536000, immutable");
      assertThat(header(file, "X-Content-Type-Options")).isEqualTo("nosniff");
    }
    assertThat(found).isGreaterThanOrEqualTo(2);
    assertThat(header(get("/app/" + version + "/app.js"), "Content-Type"))
        .isEqualTo("text/javascript;charset=utf-8");
    assertThat(header(get("/app/" + version + "/app.css"), "Content-Type"))
        .isEqualTo("text/css;charset=utf-8");
    HttpResponse<byte[]> icon = get("/favicon.ico");
    assertThat(icon.statusCode()).isEqualTo(200);
    assertThat(header(icon, "Content-Type")).isEqualTo("image/svg+xml");
  }

  @Test
  void gzipIsSentWhenAcceptedAndUnzipsToTheSameBytes() throws Exception {
    HttpResponse<byte[]> plain = get("/app/" + version + "/app.js");
    HttpResponse<byte[]> zipped = get("/app/" + version + "/app.js", "Accept-Encoding", "gzip, br");
    assertThat(header(plain, "Content-Encoding")).isNull();
    assertThat(header(plain, "Vary")).isEqualTo("Accept-Encoding");
    assertThat(header(zipped, "Content-Encoding")).isEqualTo("gzip");
    assertThat(header(zipped, "Vary")).isEqualTo("Accept-Encoding");
    assertThat(zipped.body().length).isLessThan(plain.body().length);
    assertThat(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes())
        .isEqualTo(plain.body());
    assertThat(header(zipped, "ETag")).isNotEqualTo(header(plain, "ETag"));
    HttpResponse<byte[]> refused =
        get("/app/" + version + "/app.js", "Accept-Encoding", "gzip;q=0");
    assertThat(header(refused, "Content-Encoding")).isNull();
  }

  @Test
  void aKnownEntityTagIsAnswered304() throws Exception {
    HttpResponse<byte[]> page = get("/", "Accept-Encoding", "gzip");
    HttpResponse<byte[]> again = get("/", "If-None-Match", header(page, "ETag"));
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
    assertThat(header(again, "Cache-Control")).isEqualTo("no-cache");
    assertThat(get("/", "If-None-Match", "\"something-else\"").statusCode()).isEqualTo(200);
  }

  @Test
  void anUnknownFileOrAnOldVersionIsA404Problem() throws Exception {
    HttpResponse<byte[]> missing = get("/app/" + version + "/nothing.js");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(header(missing, "Content-Type")).isEqualTo("application/problem+json");
    assertThat(new String(missing.body(), StandardCharsets.UTF_8)).contains("app-file-not-found");
    HttpResponse<byte[]> old = get("/app/000000000000/app.js");
    assertThat(old.statusCode()).isEqualTo(404);
    assertThat(new String(old.body(), StandardCharsets.UTF_8))
        .contains("app-version-gone", version);
    assertThat(get("/app/" + version + "/../application.yaml").statusCode()).isEqualTo(404);
    assertThat(get("/app/" + version + "/%2e%2e/application.yaml").statusCode()).isEqualTo(404);
  }

  @Test
  void turnedOffThereIsNoPage(@TempDir Path otherData) throws Exception {
    TestApp off = AccountTestApp.start(library, otherData, "--cadenza.web.enabled=false");
    try {
      TestHttp offHttp = new TestHttp(off.port());
      HttpResponse<String> page = offHttp.send("GET", "/", null);
      assertThat(page.statusCode()).isIn(401, 404);
      assertThat(page.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      assertThat(offHttp.send("GET", "/app/" + version + "/app.js", null).statusCode())
          .isIn(401, 404);
    } finally {
      off.app().close();
    }
  }
}
