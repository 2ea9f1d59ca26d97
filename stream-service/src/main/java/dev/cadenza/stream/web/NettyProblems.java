package dev.cadenza.stream.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes {@link Problems} on routes served by Reactor Netty directly (ahead of Spring's dispatcher,
 * which writes them for every other route): the same RFC 9457 JSON.
 */
public final class NettyProblems {

  private NettyProblems() {}

  /** Writes the problem; HEAD gets the status and headers only. */
  public static Mono<Void> write(
      JsonMapper json,
      HttpServerRequest request,
      HttpServerResponse response,
      ErrorResponseException e) {
    ProblemDetail p = e.getBody();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", p.getType().toString());
    body.put("title", p.getTitle());
    body.put("status", p.getStatus());
    body.put("detail", p.getDetail());
    String target = request.uri(); // raw: a malformed target must not fail its own error
    int query = target.indexOf('?');
    body.put("instance", query < 0 ? target : target.substring(0, query));
    if (p.getProperties() != null) {
      body.putAll(p.getProperties());
    }
    byte[] bytes = json.writeValueAsBytes(body);
    response.status(p.getStatus());
    e.getHeaders().forEach((name, values) -> response.header(name, String.join(", ", values)));
    response
        .header(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(bytes.length));
    if (request.method().equals(HttpMethod.HEAD)) {
      return response.send().then();
    }
    return response.sendByteArray(Mono.just(bytes)).then();
  }
}
