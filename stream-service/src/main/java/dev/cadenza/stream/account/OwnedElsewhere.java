package dev.cadenza.stream.account;

import reactor.core.publisher.Mono;

/**
 * Items a user owns outside its own partition ({@code user#<id>}): web sessions, playlists, now
 * playing. {@link Users} deletes the partition itself; each feature that keeps a user's items
 * elsewhere implements this, so that deleting the user purges them at once instead of leaving them
 * until they expire, or for ever.
 */
public interface OwnedElsewhere {

  /**
   * Deletes every such item of {@code userId}. Runs after the user's profile is gone, so nothing
   * new is added meanwhile, and before its partition is: an index kept there can still be read.
   */
  Mono<Void> forget(String userId);
}
