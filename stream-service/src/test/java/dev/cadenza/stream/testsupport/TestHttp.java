package dev.cadenza.stream.testsupport;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Requests to one service instance over HTTP/1.1 (as players and curl speak it), JDK client. */
public final class TestHttp {

  /** HTTP/1.1, at most 5 s to connect. */
  public static final HttpClient CLIENT =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private final String base;

  public TestHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /** A request to {@code path} on this instance. */
  public HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path));
  }

  /**
   * Sends {@code method} to {@code path} with {@code body} (none when null) and {@code headers} as
   * name, value pairs (a pair with a null value is left out); waits at most 30 s for the answer.
   */
  public HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        request(path)
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      if (headers[i + 1] != null) {
        b.header(headers[i], headers[i + 1]);
      }
    }
    try {
      return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path + " failed: " + e, e);
    }
  }
}
