package dev.cadenza.stream.account;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/** Lets controllers take the request's {@link Listener} as a parameter. */
@Configuration(proxyBeanMethods = false)
class AccountWebConfiguration implements WebFluxConfigurer {

  @Override
  public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
    configurer.addCustomResolver(new ListenerArgumentResolver());
  }
}
