package dev.cadenza.stream.management;

import dev.cadenza.stream.web.ProblemJson;
import dev.cadenza.stream.web.Problems;
import java.util.Map;
import org.springframework.context.ApplicationContext;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * On the API port, {@code /actuator} and every path under it answer 404, with or without
 * credentials, before authentication: nothing of the actuator is served there, and a scraper or
 * probe still pointed at the API port learns that at once instead of being asked to log in. On the
 * management port, where this filter runs too (see {@link ManagementPort}), it lets every request
 * through.
 */
final class ActuatorOffTheApiPort implements WebFilter, Ordered {

  /** Just before authentication (which is {@code HIGHEST_PRECEDENCE + 10}). */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 9;

  static final String BASE_PATH = "/actuator";

  private final ApplicationContext api;
  private final JsonMapper json;

  ActuatorOffTheApiPort(ApplicationContext api, JsonMapper json) {
    this.api = api;
    this.json = json;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    String path = exchange.getRequest().getPath().pathWithinApplication().value();
    if (ManagementPort.serves(exchange, api) || !isActuator(path)) {
      return chain.filter(exchange);
    }
    return ProblemJson.write(
        json,
        exchange,
        Problems.problem(
            HttpStatus.NOT_FOUND,
            "not-found",
            "Not found",
            "Nothing is served at '"
                + path
                + "' on the API port: the actuator endpoints (health, info, metrics) have a"
                + " management port of their own.",
            Map.of()));
  }

  static boolean isActuator(String path) {
    return path.equals(BASE_PATH) || path.startsWith(BASE_PATH + "/");
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
