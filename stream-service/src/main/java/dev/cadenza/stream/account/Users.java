package dev.cadenza.stream.account;

import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.store.ItemStore.Item;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The users, kept in the {@link ItemStore}: create, find, list, change and delete. A name is taken
 * by a conditional put of its index item, so two pods creating the same name cannot both succeed;
 * every change is a conditional put on the version read, retried from a fresh read when another
 * change came first. Every change forgets the user's {@link VerifiedCredentials}.
 */
public final class Users {

  private static final Logger log = LoggerFactory.getLogger(Users.class);

  /** Attempts at one change under contention before it answers 409. */
  private static final int MAX_ATTEMPTS = 8;

  /** Users listed per store query. */
  private static final int PAGE = 100;

  private final ItemStore store;
  private final PasswordHashing hashing;
  private final SubsonicSecrets secrets;
  private final VerifiedCredentials verified;
  private final ApiKeys keys;
  private final List<OwnedElsewhere> elsewhere;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  Users(
      ItemStore store,
      PasswordHashing hashing,
      SubsonicSecrets secrets,
      VerifiedCredentials verified,
      ApiKeys keys,
      List<OwnedElsewhere> elsewhere,
      Clock clock) {
    this.store = store;
    this.hashing = hashing;
    this.secrets = secrets;
    this.verified = verified;
    this.keys = keys;
    this.elsewhere = List.copyOf(elsewhere);
    this.clock = clock;
  }

  /** A change to a user; null fields stay as they are. */
  record Change(String password, Role role, Boolean disabled, Integer maxBitRate) {

    /** A new password, and nothing else. */
    static Change password(String password) {
      return new Change(password, null, null, null);
    }
  }

  // --- reads ---------------------------------------------------------------------------------

  /** The user named {@code username} (any case), or empty. */
  Mono<Optional<User>> find(String username) {
    if (!Usernames.valid(username)) {
      return Mono.just(Optional.empty());
    }
    return store
        .get(User.USERNAMES, Usernames.key(username))
        .flatMap(
            index ->
                index.isEmpty()
                    ? Mono.just(Optional.<User>empty())
                    : byId(index.get().get("id").orElseThrow()));
  }

  Mono<Optional<User>> byId(String id) {
    return store.get(User.partition(id), User.PROFILE).map(item -> item.map(i -> User.of(id, i)));
  }

  /**
   * The user named {@code username} (any case) as a {@link Listener}, disabled or not: for the
   * OpenSubsonic {@code getUser} and other read-only lookups outside this package.
   */
  public Mono<Optional<Listener>> listener(String username) {
    return find(username).map(u -> u.map(User::listener));
  }

  /**
   * Every user as a {@link Listener}, by lower-case name: for the OpenSubsonic {@code getUsers}.
   */
  public Flux<Listener> listeners() {
    return list().map(User::listener);
  }

  /** Every user, by lower-case name. */
  Flux<User> list() {
    return page(null)
        .expand(
            items -> items.size() < PAGE ? Mono.empty() : page(items.get(items.size() - 1).sk()))
        .flatMapIterable(items -> items)
        .concatMap(index -> byId(index.get("id").orElseThrow()).flatMap(Mono::justOrEmpty));
  }

  private Mono<List<Item>> page(String after) {
    return store.query(User.USERNAMES, "", after, PAGE).collectList();
  }

  // --- create --------------------------------------------------------------------------------

  /** A new user; 409 when the name is taken (in any case). */
  Mono<User> create(String username, String password, Role role, int maxBitRate) {
    String id = newId();
    return hashing
        .hash(password)
        .map(
            hash ->
                new User(
                    id,
                    username,
                    role,
                    false,
                    hash,
                    secrets.seal(id, password),
                    maxBitRate,
                    clock.instant().truncatedTo(ChronoUnit.SECONDS),
                    0))
        .flatMap(user -> claim(user, true))
        .doOnNext(u -> log.info("User '{}' created ({})", u.username(), u.role()));
  }

  /**
   * Writes the profile, then takes the name; if another user has it, removes the profile again.
   * {@code repairStale}: a name whose user is gone (a delete cut short) is taken over once.
   */
  private Mono<User> claim(User user, boolean repairStale) {
    return store
        .put(user.item(), ItemStore.ABSENT)
        .flatMap(
            profile ->
                store
                    .put(user.usernameItem(), ItemStore.ABSENT)
                    .flatMap(
                        named -> {
                          if (named.isPresent()) {
                            return Mono.just(user.withVersion(profile.orElseThrow().version()));
                          }
                          return store
                              .delete(User.partition(user.id()), User.PROFILE, ItemStore.ANY)
                              .then(
                                  repairStale
                                      ? takeOverStaleName(user)
                                      : Mono.error(AccountProblems.usernameTaken(user.username())));
                        }));
  }

  private Mono<User> takeOverStaleName(User user) {
    return store
        .get(User.USERNAMES, Usernames.key(user.username()))
        .flatMap(
            index -> {
              if (index.isEmpty()) {
                return claim(user, false);
              }
              return byId(index.get().get("id").orElseThrow())
                  .flatMap(
                      owner ->
                          owner.isPresent()
                              ? Mono.<User>error(AccountProblems.usernameTaken(user.username()))
                              : store
                                  .delete(
                                      User.USERNAMES,
                                      Usernames.key(user.username()),
                                      index.get().version())
                                  .then(claim(user, false)));
            });
  }

  private String newId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  // --- change --------------------------------------------------------------------------------

  /** Applies {@code change}; 404 for an unknown user, 409 for the last enabled admin. */
  Mono<User> update(String username, Change change) {
    Mono<Optional<String>> hashed =
        change.password() == null
            ? Mono.just(Optional.empty())
            : hashing.hash(change.password()).map(Optional::of);
    return hashed.flatMap(
        hash ->
            modify(
                username,
                1,
                user -> {
                  User next = user;
                  if (hash.isPresent()) {
                    next =
                        next.withPassword(hash.get(), secrets.seal(user.id(), change.password()));
                  }
                  if (change.role() != null) {
                    next = next.withRole(change.role());
                  }
                  if (change.disabled() != null) {
                    next = next.withDisabled(change.disabled());
                  }
                  if (change.maxBitRate() != null) {
                    next = next.withMaxBitRate(change.maxBitRate());
                  }
                  return next;
                }));
  }

  private Mono<User> modify(String username, int attempt, UnaryOperator<User> change) {
    return find(username)
        .flatMap(
            found -> {
              User user = found.orElseThrow(() -> AccountProblems.userNotFound(username));
              User next = change.apply(user);
              Mono<Void> check =
                  user.enabledAdmin() && !next.enabledAdmin()
                      ? requireAnotherAdmin(user, next.disabled() ? "disabled" : "demoted")
                      : Mono.empty();
              return check
                  .then(store.put(next.item(), user.version()))
                  .flatMap(
                      written -> {
                        if (written.isPresent()) {
                          verified.forget(user.id());
                          return Mono.just(next.withVersion(written.get().version()));
                        }
                        if (attempt >= MAX_ATTEMPTS) {
                          return Mono.error(AccountProblems.userBusy(username));
                        }
                        return modify(username, attempt + 1, change);
                      });
            });
  }

  /**
   * 409 unless another enabled admin exists. Two pods demoting the last two admins at the same
   * instant could both pass; the configured admin is recreated at the next start if it is gone.
   */
  private Mono<Void> requireAnotherAdmin(User user, String change) {
    return list()
        .filter(u -> u.enabledAdmin() && !u.id().equals(user.id()))
        .hasElements()
        .flatMap(
            another ->
                another
                    ? Mono.<Void>empty()
                    : Mono.error(AccountProblems.lastAdmin(user.username(), change)));
  }

  // --- delete --------------------------------------------------------------------------------

  /**
   * Deletes the user, its API keys, what it owns elsewhere ({@link OwnedElsewhere}: web sessions,
   * playlists, now playing) and every item of its partition ({@code user#<id>}); then frees the
   * name. A delete cut short leaves the name pointing at nobody, which the next create of that name
   * repairs, and what it had not removed yet (sessions and now-playing reports expire by
   * themselves).
   */
  Mono<Void> delete(String username) {
    return find(username)
        .flatMap(
            found -> {
              User user = found.orElseThrow(() -> AccountProblems.userNotFound(username));
              Mono<Void> check =
                  user.enabledAdmin() ? requireAnotherAdmin(user, "deleted") : Mono.empty();
              return check
                  .then(store.delete(User.partition(user.id()), User.PROFILE, user.version()))
                  .flatMap(
                      deleted -> {
                        if (!deleted) {
                          return Mono.error(AccountProblems.userBusy(username));
                        }
                        verified.forget(user.id());
                        return keys.deleteAll(user.id())
                            .thenMany(Flux.fromIterable(elsewhere))
                            .concatMap(owned -> owned.forget(user.id()))
                            .then(deleteOwnedItems(user.id()))
                            .then(
                                store.delete(
                                    User.USERNAMES, Usernames.key(user.username()), ItemStore.ANY))
                            .doOnSuccess(ignored -> log.info("User '{}' deleted", user.username()))
                            .then();
                      });
            });
  }

  private Mono<Void> deleteOwnedItems(String userId) {
    String pk = User.partition(userId);
    // deleting as it reads: each page starts from the first remaining item
    return store
        .query(pk, "", null, PAGE)
        .concatMap(item -> store.delete(pk, item.sk(), ItemStore.ANY))
        .count()
        .flatMap(n -> n == 0 ? Mono.<Void>empty() : deleteOwnedItems(userId));
  }

  // --- the configured admin ------------------------------------------------------------------

  /** What {@link #ensureAdmin} did. */
  enum AdminOutcome {
    CREATED,
    CREATED_WITH_GENERATED_PASSWORD,
    PASSWORD_RESET,
    UNCHANGED
  }

  /**
   * Makes sure the configured admin exists: created if missing (one pod wins the conditional
   * create), its password reset when {@code password} is set and is not the stored one. With no
   * password, a created admin gets {@code generated}.
   */
  Mono<AdminOutcome> ensureAdmin(String username, String password, String generated) {
    return find(username)
        .flatMap(
            found -> {
              if (found.isEmpty()) {
                String initial = password != null ? password : generated;
                return create(username, initial, Role.ADMIN, MaxBitRates.NO_LIMIT)
                    .map(
                        u ->
                            password != null
                                ? AdminOutcome.CREATED
                                : AdminOutcome.CREATED_WITH_GENERATED_PASSWORD)
                    // another pod created it first: check its password as for an existing one
                    .onErrorResume(
                        e ->
                            e instanceof ErrorResponseException r
                                && r.getStatusCode().value() == 409,
                        e -> ensureAdmin(username, password, generated));
              }
              User admin = found.get();
              if (password == null) {
                return Mono.just(AdminOutcome.UNCHANGED);
              }
              return hashing
                  .matches(password, admin.passwordHash())
                  .flatMap(
                      same ->
                          same
                              ? Mono.just(AdminOutcome.UNCHANGED)
                              : update(username, Change.password(password))
                                  .thenReturn(AdminOutcome.PASSWORD_RESET));
            });
  }
}
