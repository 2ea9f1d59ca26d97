package dev.cadenza.stream.web;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponse;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ContentTooLargeException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.PayloadTooLargeException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that answers whatever a request to Spring's dispatcher failed with: a {@link
 * Problems problem} a handler threw goes out as it is; Spring's own refusals (no route, a method, a
 * media type or a parameter the route does not take) become problems with a {@code type} and a
 * {@code detail} that says what to send instead; anything else is a 500 whose detail says nothing
 * and whose stack trace goes to the log, once. It never reads {@code Accept}: a problem is {@code
 * application/problem+json} whatever the client asked for.
 *
 * <p>It replaces Spring Boot's error handler and its problem-details advice ({@code
 * spring.webflux.problemdetails.enabled} is off), so no second path writes errors.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ProblemExceptionHandler implements ErrorWebExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ProblemExceptionHandler.class);

  private static final URI BLANK = URI.create("about:blank");

  private final JsonMapper json;

  public ProblemExceptionHandler(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
    if (exchange.getResponse().isCommitted()) {
      // the answer has begun: too late for a problem; the server logs it and drops the connection
      return Mono.error(failure);
    }
    ErrorResponseException problem = problem(exchange, failure);
    if (problem.getStatusCode().is5xxServerError() && !(failure instanceof ErrorResponse)) {
      log.error(
          "{} {} failed",
          exchange.getRequest().getMethod(),
          exchange.getRequest().getPath().value(),
          failure);
    }
    return ProblemJson.write(json, exchange, problem);
  }

  /** The problem to answer {@code failure} with. */
  static ErrorResponseException problem(ServerWebExchange exchange, Throwable failure) {
    if (failure instanceof ErrorResponseException e
        && e.getBody().getType() != null
        && !BLANK.equals(e.getBody().getType())) {
      return e; // one of ours, complete
    }
    String method = exchange.getRequest().getMethod().name();
    String path = exchange.getRequest().getPath().value();
    if (failure instanceof MethodNotAllowedException e) {
      return HttpProblems.methodNotAllowed(method, path, allowed(e.getSupportedMethods()));
    }
    if (failure instanceof NotAcceptableStatusException e) {
      return notAcceptable(exchange, e);
    }
    if (failure instanceof UnsupportedMediaTypeStatusException e) {
      return HttpProblems.unsupportedMediaType(
          exchange.getRequest().getHeaders().getFirst(HttpHeaders.CONTENT_TYPE),
          e.getSupportedMediaTypes().stream().map(MediaType::toString).toList());
    }
    if (failure instanceof ContentTooLargeException
        || failure instanceof PayloadTooLargeException) {
      return HttpProblems.bodyTooLarge(reason((ErrorResponse) failure));
    }
    if (failure instanceof DataBufferLimitException) {
      return HttpProblems.bodyTooLarge("The request body is larger than this route reads.");
    }
    if (failure instanceof ServerWebInputException e) {
      return HttpProblems.badRequest(reason(e));
    }
    if (failure instanceof ErrorResponse e) {
      HttpStatus status = HttpStatus.resolve(e.getStatusCode().value());
      if (status == HttpStatus.NOT_FOUND) {
        return HttpProblems.routeNotFound(method, path);
      }
      ErrorResponseException p =
          status == null ? HttpProblems.internalError() : HttpProblems.ofStatus(status, reason(e));
      p.getHeaders().addAll(e.getHeaders());
      return p;
    }
    return HttpProblems.internalError();
  }

  /** Spring lists GET alone where HEAD is served too (and OPTIONS always is). */
  private static List<String> allowed(Set<HttpMethod> supported) {
    Set<String> names = new LinkedHashSet<>();
    for (HttpMethod m : supported) {
      names.add(m.name());
      if (m.equals(HttpMethod.GET)) {
        names.add(HttpMethod.HEAD.name());
      }
    }
    names.add(HttpMethod.OPTIONS.name());
    return new ArrayList<>(names);
  }

  private static ErrorResponseException notAcceptable(
      ServerWebExchange exchange, NotAcceptableStatusException e) {
    List<String> available = e.getSupportedMediaTypes().stream().map(MediaType::toString).toList();
    String accept = exchange.getRequest().getHeaders().getFirst(HttpHeaders.ACCEPT);
    String detail =
        available.isEmpty()
            ? "'Accept: " + accept + "' cannot be read as a list of media types."
            : "Nothing in 'Accept: "
                + accept
                + "' is served here; this route answers "
                + String.join(", ", available)
                + ".";
    return HttpProblems.notAcceptable(detail, available);
  }

  private static String reason(ErrorResponse e) {
    String detail = e.getBody().getDetail();
    if (detail == null && e instanceof ErrorResponseException r) {
      detail = r.getMessage();
    }
    if (detail == null || detail.isBlank()) {
      detail = "The request cannot be served as sent.";
    }
    return detail.endsWith(".") ? detail : detail + ".";
  }
}
