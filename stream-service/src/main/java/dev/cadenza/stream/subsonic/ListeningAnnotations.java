package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.listening.ItemKind;
import dev.cadenza.stream.listening.Listening;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@link UserAnnotations} from each listener's music data ({@link Listening#annotations}): one
 * round of store reads per page of items.
 */
@Component
class ListeningAnnotations implements UserAnnotations {

  private final Listening listening;

  ListeningAnnotations(Listening listening) {
    this.listening = listening;
  }

  @Override
  public Mono<Map<String, Annotation>> of(
      Listener listener, ItemKind kind, Collection<String> ids) {
    if (ids.isEmpty()) {
      return Mono.just(Map.of());
    }
    return listening
        .annotations(listener.id(), kind, ids)
        .map(
            found -> {
              Map<String, Annotation> out = new HashMap<>(found.size() * 2);
              found.forEach((id, a) -> out.put(id, of(a)));
              return out;
            });
  }

  static Annotation of(dev.cadenza.stream.listening.Annotation a) {
    return new Annotation(
        a.starredAt(), a.rating() == 0 ? null : a.rating(), a.playCount(), a.lastPlayedAt());
  }
}
