package dev.cadenza.stream.account;

import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Resolves a controller parameter of type {@link Listener} from the exchange attribute the
 * authentication filter sets. A handler that takes one on a request without it answers 401: a route
 * that needs a user is never served anonymously, even if the filter's public paths were wrong.
 */
public final class ListenerArgumentResolver implements HandlerMethodArgumentResolver {

  @Override
  public boolean supportsParameter(MethodParameter parameter) {
    return parameter.getParameterType() == Listener.class;
  }

  @Override
  public Mono<Object> resolveArgument(
      MethodParameter parameter, BindingContext bindingContext, ServerWebExchange exchange) {
    Listener listener = Listener.of(exchange);
    if (listener == null) {
      return Mono.error(new ResponseStatusException(HttpStatus.UNAUTHORIZED, "log in first"));
    }
    return Mono.just(listener);
  }
}
