package dev.cadenza.stream.listening;

import dev.cadenza.stream.web.Problems;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/**
 * The problems of listeners' music data (docs/api.md). The service fails with these, so the native
 * API answers them as they are and the OpenSubsonic API maps them by status (404 to its error 70,
 * 403 to 50, 400 to 10, 409 and 503 to 0).
 */
final class ListeningProblems {

  private ListeningProblems() {}

  static ErrorResponseException itemNotFound(ItemKind kind, String id) {
    return Problems.notFound(kind.key(), id);
  }

  /** Not there, or private to another listener: the two are not told apart. */
  static ErrorResponseException playlistNotFound(String id) {
    return Problems.notFound("playlist", id);
  }

  static ErrorResponseException notOwner(String playlistId) {
    return Problems.problem(
        HttpStatus.FORBIDDEN,
        "not-owner",
        "Not your playlist",
        "Playlist '" + playlistId + "' belongs to another listener: only its owner changes it.",
        Map.of("playlistId", playlistId));
  }

  static ErrorResponseException playlistChanged(String id, String ifMatch, long current) {
    return Problems.changed("playlist", "playlistId", id, ifMatch, current);
  }

  /** A value in a request body or call that is out of its range; {@code detail} says which. */
  static ErrorResponseException invalid(String field, String detail) {
    return Problems.invalidBody(field, detail);
  }

  /** Writes kept colliding with concurrent ones beyond the retry bound. */
  static ErrorResponseException busy(String what, String id, int attempts) {
    return Problems.retryable(
        HttpStatus.CONFLICT,
        "busy",
        "Busy",
        "The "
            + what
            + " '"
            + id
            + "' changed under this request "
            + attempts
            + " times in a row; send it again.",
        Map.of("id", id),
        1);
  }

  /** The users table (or the embedded store) cannot be reached: state, so no fallback. */
  static ErrorResponseException unavailable() {
    return Problems.storeUnavailable(
        "store-unavailable",
        "Store unavailable",
        "Listeners' data cannot be read or written right now; retry shortly.");
  }
}
