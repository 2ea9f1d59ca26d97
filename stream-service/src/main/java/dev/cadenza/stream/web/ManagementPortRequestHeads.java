package dev.cadenza.stream.web;

import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;

/**
 * The request-head checks ({@link RequestHeadProblems}) on the management port too: with {@code
 * management.server.port} set, the actuator is served by a child context's own server, which does
 * not get the service's Netty customizers (the service's web filters and {@link
 * ProblemExceptionHandler} do reach that context). Loaded into the child context only, from {@code
 * META-INF/spring/...ManagementContextConfiguration.imports}; deliberately not a
 * {@code @Configuration}, which component scanning would load into the service's own context too.
 */
public class ManagementPortRequestHeads {

  /**
   * The service's {@link RequestHeadProblems}, from the parent context, on the child's server
   * factory (a bare one, made for the child: it takes no customizer beans of its own).
   */
  @Bean
  WebServerFactoryCustomizer<NettyReactiveWebServerFactory> managementPortRequestHeadProblems(
      RequestHeadProblems problems) {
    return factory -> factory.addServerCustomizers(problems);
  }
}
