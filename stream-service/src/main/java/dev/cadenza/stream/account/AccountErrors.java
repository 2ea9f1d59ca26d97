package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/** The account routes' answers to a store that cannot be reached or a hash queue that is full. */
final class AccountErrors {

  private static final Logger log = LoggerFactory.getLogger(AccountErrors.class);

  private AccountErrors() {}

  static <T> Mono<T> mapped(Mono<T> call) {
    return call.onErrorMap(PasswordHashing.Busy.class, e -> AccountProblems.busy())
        .onErrorMap(
            ItemStore.Unavailable.class,
            e -> {
              log.warn("Account request failed: {}", e.getMessage());
              return AccountProblems.unavailable();
            });
  }
}
