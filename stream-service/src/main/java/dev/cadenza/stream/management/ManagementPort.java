package dev.cadenza.stream.management;

import org.springframework.boot.actuate.autoconfigure.web.server.ManagementPortType;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.server.ServerWebExchange;
import tools.jackson.databind.json.JsonMapper;

/**
 * The actuator endpoints (health probes, info, Prometheus, metrics) have a port of their own,
 * {@code management.server.port} (8081), served by a child application context with a server of its
 * own and never routed outside the pod; the API port answers every {@code /actuator} path with a
 * 404 problem ({@link ActuatorOffTheApiPort}). Spring hands the API's web filters to that child
 * context as well, so a filter that guards the API lets through what {@link #serves} says came in
 * on the management port. The service refuses to start when the two ports are one: the actuator
 * would then be back on the API port (docs/configuration.md, "Management port").
 */
@Configuration(proxyBeanMethods = false)
public class ManagementPort {

  ManagementPort(Environment environment) {
    if (ManagementPortType.get(environment) == ManagementPortType.SAME) {
      throw new IllegalStateException(
          "management.server.port ("
              + environment.getProperty("management.server.port", "unset")
              + ") must differ from server.port ("
              + environment.getProperty("server.port", "8080")
              + "): the actuator endpoints (probes, info, metrics) are served on a port of their"
              + " own, never on the API port; -1 turns them off");
    }
  }

  /**
   * Whether {@code exchange} came in on the management port: served by another application context
   * than {@code api}, the context of the API port (that of the filter asking).
   */
  public static boolean serves(ServerWebExchange exchange, ApplicationContext api) {
    ApplicationContext served = exchange.getApplicationContext();
    return served != null && served != api;
  }

  @Bean
  ActuatorOffTheApiPort actuatorOffTheApiPort(ApplicationContext api, JsonMapper json) {
    return new ActuatorOffTheApiPort(api, json);
  }
}
