package dev.cadenza.stream.listening;

/**
 * Where listeners' music data lives in the users table (docs/listening.md): every key in one place.
 * A user's own data is in their partition {@code user#<id>}, beside the account items, under sort
 * keys that start with {@code annotation#}, {@code scrobble#} or {@code queue}; what other users
 * read (playlists, now playing) is in partitions of its own.
 */
final class ListeningKeys {

  private ListeningKeys() {}

  static String user(String userId) {
    return "user#" + userId;
  }

  /** {@code annotation#<kind>#<id>}: stars, rating, plays of one item. */
  static String annotation(ItemKind kind, String id) {
    return annotations(kind) + id;
  }

  static String annotations(ItemKind kind) {
    return ANNOTATIONS + kind.key() + "#";
  }

  static final String ANNOTATIONS = "annotation#";

  /**
   * {@code scrobble#<19 digits: Long.MAX_VALUE minus epoch ms>#<track id>}: newest first in key
   * order, and the same key for a repeated submission of the same play.
   */
  static String scrobble(long epochMilli, String trackId) {
    return SCROBBLES + String.format("%019d", Long.MAX_VALUE - epochMilli) + "#" + trackId;
  }

  static long scrobbleTime(String sk) {
    return Long.MAX_VALUE
        - Long.parseLong(sk.substring(SCROBBLES.length(), SCROBBLES.length() + 19));
  }

  static final String SCROBBLES = "scrobble#";

  static final String QUEUE = "queue";

  /** The partition of every playlist's header, keyed by playlist id: one query lists them all. */
  static final String PLAYLISTS = "playlists";

  /** The partition of one playlist's entry chunks, {@code chunk#<chunk id>}. */
  static String playlistChunks(String playlistId) {
    return "playlist#" + playlistId;
  }

  static String chunk(String chunkId) {
    return CHUNKS + chunkId;
  }

  static final String CHUNKS = "chunk#";

  /** The partition of every client's now-playing report, keyed {@code <user id>#<client>}. */
  static final String NOW_PLAYING = "now-playing";

  static String nowPlaying(String userId, String client) {
    return userId + "#" + client;
  }
}
