package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import reactor.core.publisher.Mono;

/**
 * The browser's login sessions: a token of 256 random bits in the {@code cadenza_session} cookie.
 * Kept in the {@link ItemStore} (so every pod knows them, and a restart keeps them) under the
 * SHA-256 of the token, never the token itself: item {@code websession#<sha-256>} / {@code
 * session}, with the user id, when it was created and last seen, and a stamp of the user's password
 * hash. A session ends after the idle timeout without use or at the absolute timeout (the item's
 * expiry), at logout, and as soon as its user is deleted, disabled or changes password (the stamp
 * no longer matches). Deleting the user also deletes its sessions' items ({@link WebSessionIndex}).
 * Validations are remembered in {@link VerifiedCredentials}, like passwords and API keys: one store
 * read per session per time to live, and a user change forgets them on this pod at once (other pods
 * within the time to live).
 *
 * <p>The CSRF token of a session is derived from its token (a SHA-256 under another label), so no
 * pod has to store or share it; it proves the request was written by a page that read it, which a
 * page of another site cannot.
 */
final class WebSessions {

  /** How coarse "last seen" is: a session used all day costs one write per this. */
  static final Duration LAST_SEEN_RESOLUTION = Duration.ofHours(1);

  private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{43}");
  static final String SK = "session";

  private final ItemStore store;
  private final Users users;
  private final WebSessionIndex index;
  private final VerifiedCredentials verified;
  private final AuthProperties.WebSession settings;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  WebSessions(
      ItemStore store,
      Users users,
      WebSessionIndex index,
      VerifiedCredentials verified,
      AuthProperties.WebSession settings,
      Clock clock) {
    this.store = store;
    this.users = users;
    this.index = index;
    this.verified = verified;
    this.settings = settings;
    this.clock = clock;
  }

  /** A session just opened: its token (for the cookie, this once) and its CSRF token. */
  record Opened(String token, String csrfToken, User user) {}

  /** Opens a session for the user {@code listener}, whose password was just checked. */
  Mono<Opened> open(Listener listener) {
    return users
        .byId(listener.id())
        .flatMap(
            user -> {
              if (user.isEmpty()) {
                return Mono.error(AccountProblems.userNotFound(listener.username()));
              }
              byte[] secret = new byte[32];
              random.nextBytes(secret);
              String token = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
              Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
              Map<String, String> a = new HashMap<>();
              a.put("userId", user.get().id());
              a.put("stamp", stamp(user.get()));
              a.put("created", now.toString());
              a.put("lastSeen", now.toString());
              Item item = new Item(partition(token), SK, 1, a, expiry(now, now));
              // listed first: a session its user's deletion cannot find would outlive the user
              long lastPossible = now.plus(settings.absoluteTimeout()).getEpochSecond();
              return index
                  .add(user.get().id(), item.pk(), lastPossible)
                  .then(store.put(item, ItemStore.ABSENT))
                  .thenReturn(new Opened(token, csrfToken(token), user.get()));
            });
  }

  /**
   * The listener of the session {@code token} names, or empty when it names none (unknown, ended,
   * revoked, or its user changed).
   */
  Mono<Optional<Listener>> listener(String token) {
    if (!TOKEN.matcher(token).matches()) {
      return Mono.just(Optional.empty());
    }
    String cacheKey = verified.keyOf("web-session", token);
    Optional<Listener> known = verified.get(cacheKey);
    if (known.isPresent()) {
      return Mono.just(known);
    }
    long generation = verified.generation();
    return store
        .get(partition(token), SK)
        .flatMap(
            found -> {
              Instant now = clock.instant();
              if (found.isEmpty() || ended(found.get(), now)) {
                return Mono.just(Optional.<Listener>empty());
              }
              Item session = found.get();
              return users
                  .byId(session.get("userId").orElseThrow())
                  .flatMap(
                      user -> {
                        if (user.isEmpty()
                            || user.get().disabled()
                            || !stamp(user.get()).equals(session.get("stamp").orElse(""))) {
                          return Mono.just(Optional.<Listener>empty());
                        }
                        Listener l = user.get().listener();
                        verified.put(cacheKey, l, generation);
                        return touch(session, now).thenReturn(Optional.of(l));
                      });
            });
  }

  /** Ends the session: its item is deleted, and this pod forgets it at once. */
  Mono<Void> close(String token) {
    if (!TOKEN.matcher(token).matches()) {
      return Mono.empty();
    }
    verified.forgetKey(verified.keyOf("web-session", token));
    return store.delete(partition(token), SK, ItemStore.ANY).then();
  }

  /** The CSRF token of the session {@code token}. */
  static String csrfToken(String token) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(sha256(("cadenza-csrf:" + token).getBytes(StandardCharsets.UTF_8)));
  }

  /** Whether {@code given} (may be null) is the CSRF token of {@code token}, in constant time. */
  static boolean csrfMatches(String token, String given) {
    return given != null
        && MessageDigest.isEqual(
            csrfToken(token).getBytes(StandardCharsets.US_ASCII),
            given.getBytes(StandardCharsets.UTF_8));
  }

  /** How long the cookie is kept (its Max-Age): the absolute timeout. */
  Duration maxAge() {
    return settings.absoluteTimeout();
  }

  private boolean ended(Item session, Instant now) {
    Instant created = Instant.parse(session.get("created").orElseThrow());
    Instant lastSeen = Instant.parse(session.get("lastSeen").orElseThrow());
    return !now.isBefore(created.plus(settings.absoluteTimeout()))
        || !now.isBefore(lastSeen.plus(settings.idleTimeout()));
  }

  /** Records a use, unless one was recorded less than the resolution ago. */
  private Mono<Void> touch(Item session, Instant now) {
    Instant lastSeen = Instant.parse(session.get("lastSeen").orElseThrow());
    if (lastSeen.plus(LAST_SEEN_RESOLUTION).isAfter(now)) {
      return Mono.empty();
    }
    Instant seen = now.truncatedTo(ChronoUnit.SECONDS);
    Map<String, String> a = new HashMap<>(session.attributes());
    a.put("lastSeen", seen.toString());
    Instant created = Instant.parse(session.get("created").orElseThrow());
    Item item = new Item(session.pk(), session.sk(), 0, a, expiry(created, seen));
    // conditional: a logout in between must not bring the session back; a lost race is fine
    return store.put(item, session.version()).then();
  }

  /** When the item stops existing: idle after the last use, or at the absolute end. */
  private long expiry(Instant created, Instant lastSeen) {
    return Math.min(
        created.plus(settings.absoluteTimeout()).getEpochSecond(),
        lastSeen.plus(settings.idleTimeout()).getEpochSecond());
  }

  /** A fingerprint of the user's password hash: a new password ends the sessions of the old. */
  private static String stamp(User user) {
    return HexFormat.of()
        .formatHex(sha256(user.passwordHash().getBytes(StandardCharsets.UTF_8)), 0, 16);
  }

  private static String partition(String token) {
    return WebSessionIndex.PREFIX
        + HexFormat.of().formatHex(sha256(token.getBytes(StandardCharsets.US_ASCII)));
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
