package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import dev.cadenza.stream.web.Problems;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * API keys: {@code cdz_} and 32 random bytes in base64url, shown once at creation. Only their
 * SHA-256 is stored (a key has 256 bits of entropy, so a fast hash is enough where a password needs
 * Argon2): on an index item {@code apikey#<sha-256>} / {@code key} that finds the key's user, and
 * on an item {@code user#<id>} / {@code key#<key id>} that lists the user's keys. Last use is
 * written at most once per {@link #LAST_USED_RESOLUTION} per key.
 */
public final class ApiKeys {

  static final String PREFIX = "cdz_";

  /** How coarse "last used" is: a key used all day costs one write per this. */
  static final Duration LAST_USED_RESOLUTION = Duration.ofMinutes(5);

  /** Keys one user may hold. */
  static final int MAX_PER_USER = 100;

  /** Longest key name. */
  static final int MAX_NAME = 100;

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{16}");

  private final ItemStore store;
  private final VerifiedCredentials verified;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  ApiKeys(ItemStore store, VerifiedCredentials verified, Clock clock) {
    this.store = store;
    this.verified = verified;
    this.clock = clock;
  }

  /** A key as listed: never the key itself. */
  record KeyInfo(String id, String name, Instant created, Instant lastUsed) {}

  /** A new key and, this once, its secret value. */
  record Created(KeyInfo info, String key) {}

  /** Who a key belongs to, from its index item. */
  record Owner(String userId, String keyId, Instant lastUsed, long version, Item item) {}

  Mono<Created> create(String userId, String name) {
    return list(userId)
        .count()
        .flatMap(
            count -> {
              if (count >= MAX_PER_USER) {
                return Mono.error(
                    Problems.invalidBody(
                        null,
                        "You hold "
                            + count
                            + " API keys, the most one user may; revoke unused ones first."));
              }
              byte[] secret = new byte[32];
              random.nextBytes(secret);
              String key = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
              String hash = sha256(key);
              String id = randomId();
              Instant created = clock.instant().truncatedTo(ChronoUnit.SECONDS);
              Item index =
                  Item.of(
                      indexPartition(hash),
                      "key",
                      Map.of("userId", userId, "keyId", id, "created", created.toString()));
              Item listed =
                  Item.of(
                      User.partition(userId),
                      "key#" + id,
                      Map.of("name", name, "created", created.toString(), "hash", hash));
              return store
                  .put(index, ItemStore.ABSENT)
                  .then(store.put(listed, ItemStore.ABSENT))
                  .thenReturn(new Created(new KeyInfo(id, name, created, null), key));
            });
  }

  /** The user's keys, oldest id first, with when each was last used. */
  Flux<KeyInfo> list(String userId) {
    return store
        .query(User.partition(userId), "key#", null, MAX_PER_USER)
        .concatMap(
            item ->
                store
                    .get(indexPartition(item.get("hash").orElseThrow()), "key")
                    .map(
                        index ->
                            new KeyInfo(
                                item.sk().substring("key#".length()),
                                item.get("name").orElse(""),
                                Instant.parse(item.get("created").orElseThrow()),
                                index
                                    .flatMap(i -> i.get("lastUsed"))
                                    .map(Instant::parse)
                                    .orElse(null))));
  }

  /** Revokes one of the user's keys; 404 when the user has none with that id. */
  Mono<Void> revoke(String userId, String keyId) {
    if (!ID.matcher(keyId).matches()) {
      return Mono.error(AccountProblems.keyNotFound(keyId));
    }
    return store
        .get(User.partition(userId), "key#" + keyId)
        .flatMap(
            found -> {
              if (found.isEmpty()) {
                return Mono.error(AccountProblems.keyNotFound(keyId));
              }
              return revoke(found.get());
            })
        .doOnSuccess(ignored -> verified.forget(userId));
  }

  private Mono<Void> revoke(Item listed) {
    // the index first: once it is gone the key no longer works, whatever happens next
    return store
        .delete(indexPartition(listed.get("hash").orElseThrow()), "key", ItemStore.ANY)
        .then(store.delete(listed.pk(), listed.sk(), ItemStore.ANY))
        .then();
  }

  /** Revokes every key of the user. */
  Mono<Void> deleteAll(String userId) {
    return store
        .query(User.partition(userId), "key#", null, MAX_PER_USER)
        .concatMap(this::revoke)
        .then()
        .doOnSuccess(ignored -> verified.forget(userId));
  }

  /** Who holds {@code key}, or empty for a key that is not ours, unknown or revoked. */
  Mono<Optional<Owner>> owner(String key) {
    if (!key.startsWith(PREFIX) || key.length() > 100) {
      return Mono.just(Optional.empty());
    }
    return store
        .get(indexPartition(sha256(key)), "key")
        .map(
            found ->
                found.map(
                    i ->
                        new Owner(
                            i.get("userId").orElseThrow(),
                            i.get("keyId").orElseThrow(),
                            i.get("lastUsed").map(Instant::parse).orElse(null),
                            i.version(),
                            i)));
  }

  /** Records a use of the key, unless one was recorded less than the resolution ago. */
  Mono<Void> used(Owner owner) {
    Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
    if (owner.lastUsed() != null && owner.lastUsed().plus(LAST_USED_RESOLUTION).isAfter(now)) {
      return Mono.empty();
    }
    Map<String, String> attributes = new HashMap<>(owner.item().attributes());
    attributes.put("lastUsed", now.toString());
    Item item = new Item(owner.item().pk(), owner.item().sk(), 0, attributes, 0);
    // conditional: a revoke in between must not bring the index item back; a lost race is fine
    return store.put(item, owner.version()).then();
  }

  static String sha256(String key) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String indexPartition(String hash) {
    return "apikey#" + hash;
  }

  private String randomId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
