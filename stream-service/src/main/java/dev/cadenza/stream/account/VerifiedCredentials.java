package dev.cadenza.stream.account;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Credentials verified recently, so that a client that sends its password or key with every request
 * (HTTP Basic, Subsonic {@code u}+{@code p}, Bearer) costs one HMAC and a map lookup, not one
 * Argon2 hash or store read. Entries are keyed by an HMAC of the credentials under a random key
 * that lives only in this process: the cache never holds a password or key, and its keys are
 * useless outside it. Any change to a user (password, role, disabled, maximum bit rate, deleted, a
 * key revoked) forgets that user's entries here; other pods forget theirs within the time to live,
 * and until then hand out the {@link Listener} as it was.
 *
 * <p>Subsonic tokens ({@code t} = md5(password + {@code s})) come with a fresh salt from most
 * players, so the same credentials rarely repeat: for them the cache keeps, per username, the user
 * whose token was last verified (as stored: the Argon2 hash and the sealed Subsonic secret, never
 * the password), and the next token is checked against its secret without a store read.
 */
final class VerifiedCredentials {

  /** Entries kept at most: a bound on memory, not a working-set estimate (~200 bytes each). */
  private static final int MAX_ENTRIES = 10_000;

  private final byte[] key = new byte[32];
  private final Cache<String, Listener> cache;
  private final Cache<String, User> tokenUsers;

  /**
   * Bumped by every change to a user: a verification that started before a change does not store
   * its now stale result.
   */
  private final AtomicLong generation = new AtomicLong();

  VerifiedCredentials(Duration ttl) {
    new SecureRandom().nextBytes(key);
    this.cache = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(ttl).build();
    this.tokenUsers = Caffeine.newBuilder().maximumSize(MAX_ENTRIES).expireAfterWrite(ttl).build();
  }

  /** The cache key of credentials of {@code kind} ("password", "key"): an HMAC of all parts. */
  String keyOf(String kind, String... parts) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      update(mac, kind);
      for (String part : parts) {
        update(mac, part);
      }
      return Base64.getEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available: " + e.getMessage(), e);
    }
  }

  private static void update(Mac mac, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    // length-prefixed: ("ab", "c") and ("a", "bc") are different credentials
    mac.update(
        new byte[] {
          (byte) (bytes.length >>> 24),
          (byte) (bytes.length >>> 16),
          (byte) (bytes.length >>> 8),
          (byte) bytes.length
        });
    mac.update(bytes);
  }

  Optional<Listener> get(String cacheKey) {
    return Optional.ofNullable(cache.getIfPresent(cacheKey));
  }

  /** The generation to hand to {@link #put} once the credentials are verified. */
  long generation() {
    return generation.get();
  }

  void put(String cacheKey, Listener listener, long verifiedInGeneration) {
    if (generation.get() == verifiedInGeneration) {
      cache.put(cacheKey, listener);
    }
  }

  /** The user whose Subsonic token was verified recently under {@code cacheKey}, if any. */
  Optional<User> tokenUser(String cacheKey) {
    return Optional.ofNullable(tokenUsers.getIfPresent(cacheKey));
  }

  void putTokenUser(String cacheKey, User user, long verifiedInGeneration) {
    if (generation.get() == verifiedInGeneration) {
      tokenUsers.put(cacheKey, user);
    }
  }

  /** Forgets one verified credential (a web session at logout). */
  void forgetKey(String cacheKey) {
    generation.incrementAndGet();
    cache.invalidate(cacheKey);
  }

  /** Forgets every verified credential of the user. */
  void forget(String userId) {
    generation.incrementAndGet();
    cache.asMap().values().removeIf(l -> l.id().equals(userId));
    tokenUsers.asMap().values().removeIf(u -> u.id().equals(userId));
  }
}
