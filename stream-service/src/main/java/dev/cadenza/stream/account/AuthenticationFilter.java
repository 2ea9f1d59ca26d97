package dev.cadenza.stream.account;

import dev.cadenza.stream.management.ManagementPort;
import dev.cadenza.stream.web.ClientAddress;
import dev.cadenza.stream.web.ProblemJson;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Authenticates every request Spring's dispatcher serves on the API port (the controllers) except
 * the {@link PublicRoutes} and the login itself ({@code POST /api/v1/auth/session}), and puts the
 * {@link Listener} in the exchange attributes. A request whose credentials are missing or refused
 * is answered here with the problem, before any handler runs. Routes Reactor Netty serves directly
 * are guarded by {@link NettyAuthentication}. Spring runs this filter on the management port too,
 * whose actuator endpoints are read without credentials by the kubelet, the operator and Prometheus
 * ({@link ManagementPort}, docs/auth.md): there it lets every request through.
 */
final class AuthenticationFilter implements WebFilter, Ordered {

  /** After the metrics filter (which then counts refusals), before everything else. */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

  private final RequestAuthentication authentication;
  private final ClientAddress clients;
  private final JsonMapper json;
  private final ApplicationContext api;

  AuthenticationFilter(
      RequestAuthentication authentication,
      ClientAddress clients,
      JsonMapper json,
      ApplicationContext api) {
    this.authentication = authentication;
    this.clients = clients;
    this.json = json;
    this.api = api;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    String path = request.getPath().pathWithinApplication().value();
    if (ManagementPort.serves(exchange, api)
        || PublicRoutes.isPublic(request.getMethod().name(), path)) {
      return chain.filter(exchange);
    }
    HttpHeaders headers = request.getHeaders();
    return authentication
        .authenticate(
            new RequestAuthentication.Presented(
                headers.getFirst(HttpHeaders.AUTHORIZATION),
                SessionCookie.token(headers.get(HttpHeaders.COOKIE)),
                RequestAuthentication.Presented.changes(request.getMethod().name()),
                headers.getFirst(SessionCookie.CSRF_HEADER)),
            clients.of(request))
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
