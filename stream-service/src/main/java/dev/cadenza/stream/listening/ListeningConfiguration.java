package dev.cadenza.stream.listening;

import dev.cadenza.stream.account.OwnedElsewhere;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.store.ItemStore;
import java.time.Clock;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Listeners' music data over the one {@link ItemStore} (DynamoDB, or embedded). */
@Configuration(proxyBeanMethods = false)
class ListeningConfiguration {

  @Bean
  Listening listening(ItemStore store, Library library, ListeningSettings settings) {
    return new Listening(store, library::catalog, Clock.systemUTC(), settings);
  }

  /** A deleted user's playlists and now-playing reports, outside its partition, go with it. */
  @Bean
  OwnedElsewhere listeningData(Listening listening) {
    return listening::forget;
  }
}
