package dev.cadenza.stream.web;

import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every query parameter of the native API ({@code /api/**}) takes one value (a list, such as {@code
 * ids}, is one comma-separated value), so a repeated one is a 400 problem that says so. Spring
 * would otherwise join the values with commas and the route report {@code limit=5&limit=7} as "5,7
 * is not a whole number". The OpenSubsonic API ({@code /rest}) has parameters that repeat ({@code
 * id} of {@code createPlaylist}) and is left alone.
 */
@Component
public class SingleValuedParameters implements WebFilter, Ordered {

  private final JsonMapper json;

  public SingleValuedParameters(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    if (!exchange.getRequest().getPath().value().startsWith("/api/")
        || exchange.getRequest().getURI().getRawQuery() == null) {
      return chain.filter(exchange);
    }
    MultiValueMap<String, String> params = exchange.getRequest().getQueryParams();
    for (Map.Entry<String, List<String>> p : params.entrySet()) {
      if (p.getValue().size() > 1) {
        return ProblemJson.write(
            json, exchange, HttpProblems.repeatedParameter(p.getKey(), p.getValue()));
      }
    }
    return chain.filter(exchange);
  }

  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 3;
  }
}
