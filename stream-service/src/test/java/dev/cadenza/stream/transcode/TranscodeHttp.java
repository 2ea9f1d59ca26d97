package dev.cadenza.stream.transcode;

import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestApp;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The transcode tests' requests to a running test app's stream route. */
final class TranscodeHttp {

  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private TranscodeHttp() {}

  /** {@code GET /api/v1/tracks/{id}/stream?query} with {@code headers} (name, value, ...). */
  static HttpResponse<byte[]> stream(TestApp app, Track track, String query, String... headers)
      throws Exception {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:"
                        + app.port()
                        + "/api/v1/tracks/"
                        + track.id()
                        + "/stream?"
                        + query))
            .timeout(Duration.ofSeconds(120));
    if (headers.length > 0) {
      r.headers(headers);
    }
    return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
