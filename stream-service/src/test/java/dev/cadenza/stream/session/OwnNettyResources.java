package dev.cadenza.stream.session;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;

/**
 * Gives a service instance its own Netty event loops. Instances in one JVM otherwise share Reactor
 * Netty's global loops, and closing one (a pod going away) would stop the other's server too. Add
 * with {@code --spring.main.sources=} this class.
 */
@Configuration(proxyBeanMethods = false)
class OwnNettyResources {

  @Bean
  ReactorResourceFactory reactorResourceFactory() {
    ReactorResourceFactory factory = new ReactorResourceFactory();
    factory.setUseGlobalResources(false);
    return factory;
  }
}
