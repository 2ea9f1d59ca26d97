package dev.cadenza.stream.catalog;

import static org.awaitility.Awaitility.await;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import dev.cadenza.protocol.catalog.CatalogCodec;
import dev.cadenza.protocol.catalog.CatalogFormatException;
import dev.cadenza.protocol.catalog.CatalogPage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/** A client of a service started on a random port of 127.0.0.1, for the catalogue API tests. */
public final class CatalogClient {

  private final String base;
  private final WebTestClient client;

  public CatalogClient(int port) {
    this.base = "http://127.0.0.1:" + port;
    // A new connection per request: a Reactor Netty client sharing its event loops with the server
    // in one JVM was seen (once in many runs) to leave a pooled connection's response unread.
    this.client =
        WebTestClient.bindToServer(
                new ReactorClientHttpConnector(
                    HttpClient.create(ConnectionProvider.newConnection())))
            .baseUrl(base)
            .responseTimeout(Duration.ofSeconds(30))
            .build();
  }

  public WebTestClient web() {
    return client;
  }

  /**
   * Waits until the service reports itself ready on its {@code managementPort} (the readiness
   * probe), which it does after its first scan.
   */
  public CatalogClient awaitReady(int managementPort) {
    WebTestClient probe = new CatalogClient(managementPort).web();
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> probe.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk());
    return this;
  }

  /** {@code path} with query parameters given as name, value, name, value..., each encoded. */
  public URI uri(String path, String... params) {
    UriComponentsBuilder b = UriComponentsBuilder.fromUriString(base + path);
    for (int i = 0; i < params.length; i += 2) {
      b.queryParam(params[i], params[i + 1]);
    }
    return b.encode().build().toUri();
  }

  /** GETs JSON that must come with 200. */
  public DocumentContext json(String path, String... params) {
    byte[] body =
        client
            .get()
            .uri(uri(path, params))
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
            .expectBody()
            .returnResult()
            .getResponseBody();
    return JsonPath.parse(new String(body, StandardCharsets.UTF_8));
  }

  /** GETs {@code path}, which must answer 200 (in any media type); the body. */
  public byte[] body(String path) {
    return client
        .get()
        .uri(path)
        .exchange()
        .expectStatus()
        .isOk()
        .expectBody()
        .returnResult()
        .getResponseBody();
  }

  /** GETs JSON of any JSON media type (the actuator's, say) that must come with 200. */
  public DocumentContext anyJson(String path) {
    return JsonPath.parse(new String(body(path), StandardCharsets.UTF_8));
  }

  /** GETs {@code path} in the compact binary format, which must come with 200, decoded. */
  public CatalogPage binary(String path) throws CatalogFormatException {
    byte[] body =
        client
            .get()
            .uri(path)
            .header("Accept", CatalogCodec.MEDIA_TYPE)
            .exchange()
            .expectStatus()
            .isOk()
            .expectHeader()
            .contentType(CatalogCodec.MEDIA_TYPE)
            .expectBody()
            .returnResult()
            .getResponseBody();
    return CatalogCodec.decode(body);
  }

  /** The items of one page of a listing. */
  public List<Map<String, Object>> items(String path, String... params) {
    return json(path, params).read("$.items");
  }

  /**
   * GETs a problem detail that must come with {@code status} as {@code application/problem+json}.
   */
  public DocumentContext problem(int status, String path, String... params) {
    byte[] body =
        client
            .get()
            .uri(uri(path, params))
            .exchange()
            .expectStatus()
            .isEqualTo(status)
            .expectHeader()
            .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
            .expectBody()
            .returnResult()
            .getResponseBody();
    return JsonPath.parse(new String(body, StandardCharsets.UTF_8));
  }

  /** Every item of a listing, page by page through {@code next} with the given limit. */
  public List<List<Map<String, Object>>> pages(String path, int limit, String... params) {
    List<List<Map<String, Object>>> pages = new ArrayList<>();
    String cursor = null;
    do {
      List<String> query = new ArrayList<>(List.of(params));
      query.add("limit");
      query.add(Integer.toString(limit));
      if (cursor != null) {
        query.add("cursor");
        query.add(cursor);
      }
      DocumentContext page = json(path, query.toArray(String[]::new));
      pages.add(page.read("$.items"));
      cursor = page.read("$.next");
      if (pages.size() > 100) {
        throw new AssertionError("pagination does not end");
      }
    } while (cursor != null);
    return pages;
  }
}
