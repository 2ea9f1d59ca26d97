package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.listening.ItemKind;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import reactor.core.publisher.Mono;

/**
 * What one listener's own data says about songs, albums and artists: starred when, their rating,
 * how often and when last played. {@link SubsonicViews} asks once per page of items of one kind,
 * never per item. The service's is {@link ListeningAnnotations}; without a bean of this type
 * nothing is annotated: {@link #NONE}.
 */
public interface UserAnnotations {

  /**
   * @param starred when the listener starred the item, or null
   * @param rating 1 to 5, or null
   * @param played when the listener last played it, or null
   */
  record Annotation(Instant starred, Integer rating, long playCount, Instant played) {
    public static final Annotation NONE = new Annotation(null, null, 0, null);
  }

  /** Nothing known about anyone. */
  UserAnnotations NONE = (listener, kind, ids) -> Mono.just(Map.of());

  /**
   * The annotations {@code listener} has on any of {@code ids}, all of {@code kind} (items without
   * any left out).
   */
  Mono<Map<String, Annotation>> of(Listener listener, ItemKind kind, Collection<String> ids);
}
