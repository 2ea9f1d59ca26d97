package dev.cadenza.stream.account;

import dev.cadenza.stream.account.AccountViews.CreatedKeyView;
import dev.cadenza.stream.account.AccountViews.KeyView;
import dev.cadenza.stream.account.AccountViews.Page;
import dev.cadenza.stream.account.AccountViews.UserView;
import dev.cadenza.stream.web.ClientAddress;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The signed-in user's own account: who am I, change my password, my API keys. */
@RestController
@RequestMapping(path = MeController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
class MeController {

  static final String PATH = "/api/v1/me";

  private final Users users;
  private final ApiKeys keys;
  private final Authenticator authenticator;
  private final AccountBodies bodies;
  private final ClientAddress clients;

  MeController(
      Users users,
      ApiKeys keys,
      Authenticator authenticator,
      AccountBodies bodies,
      ClientAddress clients) {
    this.users = users;
    this.keys = keys;
    this.authenticator = authenticator;
    this.bodies = bodies;
    this.clients = clients;
  }

  @GetMapping
  Mono<UserView> me(Listener listener) {
    return users
        .byId(listener.id())
        .map(u -> u.map(UserView::of).orElseGet(() -> UserView.of(listener)))
        .transform(AccountErrors::mapped);
  }

  /** The current password is checked as a login is (and counts as one when wrong). */
  @PutMapping(path = "/password", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<Void>> password(
      Listener listener, ServerHttpRequest request, @RequestBody(required = false) String body) {
    return user(listener)
        .then(Mono.fromSupplier(() -> bodies.passwordChange(body)))
        .flatMap(
            change ->
                authenticator
                    .password(listener.username(), change.current(), clients.of(request))
                    .onErrorMap(
                        e ->
                            e instanceof Authenticator.Refused r
                                && r.reason() == Authenticator.Reason.WRONG_CREDENTIALS,
                        e -> AccountProblems.wrongCurrentPassword())
                    .onErrorMap(Authenticator.Refused.class, AccountProblems::refused)
                    .then(
                        users.update(
                            listener.username(), Users.Change.password(change.replacement()))))
        .thenReturn(ResponseEntity.noContent().<Void>build())
        .transform(AccountErrors::mapped);
  }

  @PostMapping(path = "/keys", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<CreatedKeyView>> createKey(
      Listener listener, @RequestBody(required = false) String body) {
    return user(listener)
        .then(Mono.fromSupplier(() -> bodies.keyName(body)))
        .flatMap(name -> keys.create(listener.id(), name))
        .map(
            c ->
                ResponseEntity.created(URI.create(PATH + "/keys/" + c.info().id()))
                    .body(
                        new CreatedKeyView(
                            c.info().id(), c.info().name(), c.info().created(), c.key())))
        .transform(AccountErrors::mapped);
  }

  @GetMapping("/keys")
  Mono<Page<KeyView>> keys(Listener listener) {
    return keys.list(listener.id())
        .map(KeyView::of)
        .collectList()
        .map(Page::new)
        .transform(AccountErrors::mapped);
  }

  @DeleteMapping("/keys/{id}")
  Mono<ResponseEntity<Void>> revoke(Listener listener, @PathVariable String id) {
    return keys.revoke(listener.id(), id)
        .thenReturn(ResponseEntity.noContent().<Void>build())
        .transform(AccountErrors::mapped);
  }

  /** Fails for a listener that is not a stored user (the anonymous admin of authentication off). */
  private Mono<Void> user(Listener listener) {
    return users
        .byId(listener.id())
        .flatMap(
            u ->
                u.isPresent()
                    ? Mono.<Void>empty()
                    : Mono.error(AccountProblems.userNotFound(listener.username())));
  }
}
