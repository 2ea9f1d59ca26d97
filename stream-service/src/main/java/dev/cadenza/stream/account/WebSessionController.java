package dev.cadenza.stream.account;

import dev.cadenza.stream.account.AccountViews.UserView;
import dev.cadenza.stream.web.ClientAddress;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The web player's login (docs/auth.md): {@code POST} checks a username and password as HTTP Basic
 * does (the same failed-login counting and lockout) and opens a {@link WebSessions session} in a
 * cookie; {@code GET} tells a reloaded page who it is and its CSRF token; {@code DELETE} logs out.
 * The login is the one route here served without credentials; the others are authenticated by the
 * filter like every route, the logout by the cookie with its CSRF token.
 */
@RestController
@RequestMapping(path = WebSessionController.PATH, produces = MediaType.APPLICATION_JSON_VALUE)
class WebSessionController {

  static final String PATH = PublicRoutes.LOGIN;

  /** What the login and {@code GET} answer; {@code csrfToken} is null without a session cookie. */
  record SessionView(UserView user, String csrfToken) {}

  private final Authenticator authenticator;
  private final WebSessions sessions;
  private final Users users;
  private final AccountBodies bodies;
  private final ClientAddress clients;

  WebSessionController(
      Authenticator authenticator,
      WebSessions sessions,
      Users users,
      AccountBodies bodies,
      ClientAddress clients) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.users = users;
    this.bodies = bodies;
    this.clients = clients;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  Mono<ResponseEntity<SessionView>> login(
      ServerHttpRequest request, @RequestBody(required = false) String body) {
    return Mono.fromSupplier(() -> bodies.login(body))
        .flatMap(
            login ->
                authenticator.password(login.username(), login.password(), clients.of(request)))
        .onErrorMap(Authenticator.Refused.class, AccountProblems::refused)
        .flatMap(sessions::open)
        .map(
            opened ->
                ResponseEntity.ok()
                    .header(
                        HttpHeaders.SET_COOKIE,
                        SessionCookie.set(
                            opened.token(), sessions.maxAge(), clients.overTls(request)))
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .body(new SessionView(UserView.of(opened.user()), opened.csrfToken())))
        .transform(AccountErrors::mapped);
  }

  @GetMapping
  Mono<ResponseEntity<SessionView>> current(Listener listener, ServerHttpRequest request) {
    String token = cookieAuthenticated(request);
    return users
        .byId(listener.id())
        .map(u -> u.map(UserView::of).orElseGet(() -> UserView.of(listener)))
        .map(
            user ->
                ResponseEntity.ok()
                    .header(HttpHeaders.CACHE_CONTROL, "no-store")
                    .body(
                        new SessionView(user, token == null ? null : WebSessions.csrfToken(token))))
        .transform(AccountErrors::mapped);
  }

  @DeleteMapping
  Mono<ResponseEntity<Void>> logout(Listener listener, ServerHttpRequest request) {
    String token = cookieAuthenticated(request);
    return (token == null ? Mono.<Void>empty() : sessions.close(token))
        .then(
            Mono.fromSupplier(
                () ->
                    ResponseEntity.noContent()
                        .header(
                            HttpHeaders.SET_COOKIE, SessionCookie.clear(clients.overTls(request)))
                        .<Void>build()))
        .transform(AccountErrors::mapped);
  }

  /** The session token when the cookie, not an Authorization header, authenticated the request. */
  private static String cookieAuthenticated(ServerHttpRequest request) {
    String authorization = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
    if (authorization != null && !authorization.isBlank()) {
      return null;
    }
    return SessionCookie.token(request.getHeaders().get(HttpHeaders.COOKIE));
  }
}
