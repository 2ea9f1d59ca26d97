package dev.cadenza.stream.account;

import dev.cadenza.stream.store.DataProperties;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.web.ClientAddress;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** Users, API keys and the authentication of every route (docs/auth.md). */
@Configuration(proxyBeanMethods = false)
class AccountConfiguration {

  private static final Logger log = LoggerFactory.getLogger(AccountConfiguration.class);

  @Bean(destroyMethod = "close")
  PasswordHashing passwordHashing() {
    // one hash per core at a time: 19 MiB each, and the event loops keep their cores' other half
    return new PasswordHashing(Math.max(1, Runtime.getRuntime().availableProcessors()));
  }

  @Bean
  VerifiedCredentials verifiedCredentials(AuthProperties settings) {
    return new VerifiedCredentials(settings.verifiedCacheTtl());
  }

  @Bean
  SubsonicSecrets subsonicSecrets(AuthProperties settings, DataProperties data, ItemStore store) {
    return new SubsonicSecrets(settings, data, store);
  }

  @Bean
  ApiKeys apiKeys(ItemStore store, VerifiedCredentials verified) {
    return new ApiKeys(store, verified, Clock.systemUTC());
  }

  @Bean
  WebSessionIndex webSessionIndex(ItemStore store) {
    return new WebSessionIndex(store);
  }

  @Bean
  Users users(
      ItemStore store,
      PasswordHashing hashing,
      SubsonicSecrets secrets,
      VerifiedCredentials verified,
      ApiKeys keys,
      List<OwnedElsewhere> elsewhere) {
    return new Users(store, hashing, secrets, verified, keys, elsewhere, Clock.systemUTC());
  }

  @Bean
  Authenticator authenticator(
      Users users,
      ApiKeys keys,
      PasswordHashing hashing,
      SubsonicSecrets secrets,
      VerifiedCredentials verified,
      AuthProperties settings) {
    return new AccountAuthenticator(
        users,
        keys,
        hashing,
        secrets,
        verified,
        new FailedLogins(settings.failedLogins(), System::nanoTime));
  }

  @Bean
  WebSessions webSessions(
      ItemStore store,
      Users users,
      WebSessionIndex index,
      VerifiedCredentials verified,
      AuthProperties settings) {
    return new WebSessions(store, users, index, verified, settings.webSession(), Clock.systemUTC());
  }

  @Bean
  RequestAuthentication requestAuthentication(
      AuthProperties settings, Authenticator authenticator, WebSessions sessions) {
    if (!settings.enabled()) {
      log.warn(
          "Authentication is off (cadenza.auth.enabled=false): every request acts as an admin."
              + " Use this only on a trusted network.");
    }
    return new RequestAuthentication(settings.enabled(), authenticator, sessions);
  }

  @Bean
  AuthenticationFilter authenticationFilter(
      RequestAuthentication authentication,
      ClientAddress clients,
      JsonMapper json,
      ApplicationContext context) {
    return new AuthenticationFilter(authentication, clients, json, context);
  }

  @Bean
  WarmUpKey warmUpKey() {
    return new WarmUpKey();
  }

  @Bean
  NettyAuthentication nettyAuthentication(
      RequestAuthentication authentication,
      ClientAddress clients,
      JsonMapper json,
      WarmUpKey warmUpKey) {
    return new NettyAuthentication(authentication, clients, json, warmUpKey);
  }

  @Bean
  AccountBodies accountBodies(JsonMapper json) {
    return new AccountBodies(json);
  }

  @Bean
  FirstAdmin firstAdmin(
      AuthProperties settings, Users users, SubsonicSecrets secrets, DataProperties data) {
    return new FirstAdmin(settings, users, secrets, data.directory());
  }
}
