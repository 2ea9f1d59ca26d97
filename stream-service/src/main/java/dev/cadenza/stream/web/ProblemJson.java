package dev.cadenza.stream.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A problem's RFC 9457 JSON as every part of the service writes it: by Spring's dispatcher for
 * controllers, {@link NettyProblems} for the routes Reactor Netty serves, and {@link #write} for
 * web filters, which answer before any handler runs.
 */
public final class ProblemJson {

  private ProblemJson() {}

  /**
   * The body; {@code target} is the raw request target, whose path becomes the instance (none when
   * null: a request line that could not be read).
   */
  static byte[] bytes(JsonMapper json, ErrorResponseException e, String target) {
    ProblemDetail p = e.getBody();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", p.getType().toString());
    body.put("title", p.getTitle());
    body.put("status", p.getStatus());
    body.put("detail", p.getDetail());
    if (target != null) {
      int query = target.indexOf('?');
      body.put("instance", query < 0 ? target : target.substring(0, query));
    }
    if (p.getProperties() != null) {
      body.putAll(p.getProperties());
    }
    return json.writeValueAsBytes(body);
  }

  /** Answers the exchange with the problem, from a web filter; HEAD gets status and headers. */
  public static Mono<Void> write(
      JsonMapper json, ServerWebExchange exchange, ErrorResponseException e) {
    byte[] bytes = bytes(json, e, exchange.getRequest().getPath().value());
    ServerHttpResponse response = exchange.getResponse();
    response.setStatusCode(e.getStatusCode());
    response.getHeaders().addAll(e.getHeaders());
    response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
    response.getHeaders().setContentLength(bytes.length);
    if (HttpMethod.HEAD.equals(exchange.getRequest().getMethod())) {
      return response.setComplete();
    }
    DataBuffer buffer = response.bufferFactory().wrap(bytes);
    return response.writeWith(Mono.just(buffer));
  }
}
