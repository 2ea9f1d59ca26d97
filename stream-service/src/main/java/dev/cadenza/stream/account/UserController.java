package dev.cadenza.stream.account;

import dev.cadenza.stream.account.AccountViews.Page;
import dev.cadenza.stream.account.AccountViews.UserView;
import java.net.URI;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** User administration, for admins only (docs/auth.md): create, list, show, change, delete. */
@RestController
@RequestMapping(path = UserController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
class UserController {

  static final String PATH = "/api/v1/users";

  private final Users users;
  private final AccountBodies bodies;

  UserController(Users users, AccountBodies bodies) {
    this.users = users;
    this.bodies = bodies;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<UserView>> create(
      Listener listener, @RequestBody(required = false) String body) {
    return admin(listener)
        .then(Mono.fromSupplier(() -> bodies.newUser(body)))
        .flatMap(n -> users.create(n.username(), n.password(), n.role(), n.maxBitRate()))
        .map(
            u -> ResponseEntity.created(URI.create(PATH + "/" + u.username())).body(UserView.of(u)))
        .transform(AccountErrors::mapped);
  }

  @GetMapping
  Mono<Page<UserView>> list(Listener listener) {
    return admin(listener)
        .thenMany(users.list())
        .map(UserView::of)
        .collectList()
        .map(Page::new)
        .transform(AccountErrors::mapped);
  }

  @GetMapping("/{username}")
  Mono<UserView> get(Listener listener, @PathVariable String username) {
    return admin(listener)
        .then(users.find(username))
        .map(u -> UserView.of(u.orElseThrow(() -> AccountProblems.userNotFound(username))))
        .transform(AccountErrors::mapped);
  }

  @PatchMapping(path = "/{username}", consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<UserView> change(
      Listener listener,
      @PathVariable String username,
      @RequestBody(required = false) String body) {
    return admin(listener)
        .then(Mono.fromSupplier(() -> bodies.change(body)))
        .flatMap(c -> users.update(username, c))
        .map(UserView::of)
        .transform(AccountErrors::mapped);
  }

  @DeleteMapping("/{username}")
  Mono<ResponseEntity<Void>> delete(Listener listener, @PathVariable String username) {
    return admin(listener)
        .then(users.delete(username))
        .thenReturn(ResponseEntity.noContent().<Void>build())
        .transform(AccountErrors::mapped);
  }

  private static Mono<Void> admin(Listener listener) {
    return listener.admin() ? Mono.empty() : Mono.error(AccountProblems.adminOnly("manage users"));
  }
}
