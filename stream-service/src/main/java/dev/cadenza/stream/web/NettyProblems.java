package dev.cadenza.stream.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
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
    // raw: a malformed target must not fail its own error
    byte[] bytes = ProblemJson.bytes(json, e, request.uri());
    response.status(e.getStatusCode().value());
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
