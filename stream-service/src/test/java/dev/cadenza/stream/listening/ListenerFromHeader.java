package dev.cadenza.stream.listening;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.Role;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Test authentication: the request acts for the listener named in {@link #HEADER} (id {@code
 * id-<name>}), as the real authentication filter sets {@link Listener#ATTRIBUTE}. Not a component:
 * a test adds it to its application with {@link #SOURCE}.
 */
public final class ListenerFromHeader implements WebFilter {

  public static final String HEADER = "X-Test-Listener";

  /** The argument that adds this filter to an application started by {@code TestApp}. */
  public static final String SOURCE = "--spring.main.sources=" + ListenerFromHeader.class.getName();

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String name = exchange.getRequest().getHeaders().getFirst(HEADER);
    if (name != null) {
      exchange.getAttributes().put(Listener.ATTRIBUTE, listener(name));
    }
    return chain.filter(exchange);
  }

  static Listener listener(String name) {
    return new Listener("id-" + name, name, Role.USER, 0);
  }
}
