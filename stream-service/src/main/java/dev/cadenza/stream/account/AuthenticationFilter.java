package dev.cadenza.stream.account;

import dev.cadenza.stream.web.ClientAddress;
import dev.cadenza.stream.web.ProblemJson;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every request Spring's dispatcher serves (controllers and actuator endpoints)
 * except the {@link PublicRoutes}, and puts the {@link Listener} in the exchange attributes. A
 * request whose credentials are missing or refused is answered here with the problem, before any
 * handler runs. Routes Reactor Netty serves directly are guarded by {@link NettyAuthentication}.
 */
final class AuthenticationFilter implements WebFilter, Ordered {

  /** After the metrics filter (which then counts refusals), before everything else. */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  private final RequestAuthentication authentication;
  private final ClientAddress clients;
  private final JsonMapper json;

  AuthenticationFilter(
      RequestAuthentication authentication, ClientAddress clients, JsonMapper json) {
    this.authentication = authentication;
    this.clients = clients;
    this.json = json;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (PublicRoutes.isPublic(exchange.getRequest().getPath().pathWithinApplication().value())) {
      return chain.filter(exchange);
    }
    return authentication
        .authenticate(
            exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION),
            clients.of(exchange.getRequest()))
        .map(
            listener -> {
              exchange.getAttributes().put(Listener.ATTRIBUTE, listener);
              return true;
            })
        .onErrorResume(
            ErrorResponseException.class,
            e -> ProblemJson.write(json, exchange, e).thenReturn(false))
        .flatMap(authenticated -> authenticated ? chain.filter(exchange) : Mono.empty());
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
