package dev.cadenza.stream.account;

import dev.cadenza.stream.web.ClientAddress;
import dev.cadenza.stream.web.NettyProblems;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.function.BiFunction;
import org.reactivestreams.Publisher;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * Guards the routes Reactor Netty serves ahead of Spring's dispatcher (and so of every web filter),
 * such as the track stream: the same credentials (the session cookie among them, so that an {@code
 * <audio src>} plays) and answers as {@link AuthenticationFilter}. With authentication off the
 * handler is returned as it is, at no cost per request. While the warm-up runs before readiness,
 * its {@link WarmUpKey} from a loopback peer is accepted too.
 */
public final class NettyAuthentication {

  private final RequestAuthentication authentication;
  private final ClientAddress clients;
  private final JsonMapper json;
  private final WarmUpKey warmUp;

  NettyAuthentication(
      RequestAuthentication authentication,
      ClientAddress clients,
      JsonMapper json,
      WarmUpKey warmUp) {
    this.authentication = authentication;
    this.clients = clients;
    this.json = json;
    this.warmUp = warmUp;
  }

  /** A route's handler that is told who the request acts for (null when authentication is off). */
  @FunctionalInterface
  public interface Handler {
    Publisher<Void> handle(
        HttpServerRequest request, HttpServerResponse response, Listener listener);
  }

  /** {@code handler}, run only for requests with valid credentials. */
  public BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> required(
      BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> handler) {
    return required((request, response, listener) -> handler.apply(request, response));
  }

  /** {@code handler}, run only for requests with valid credentials, told whose they are. */
  public BiFunction<HttpServerRequest, HttpServerResponse, Publisher<Void>> required(
      Handler handler) {
    if (!authentication.enabled()) {
      return (request, response) -> handler.handle(request, response, null);
    }
    return (request, response) -> {
      String authorization = request.requestHeaders().get(HttpHeaderNames.AUTHORIZATION);
      if (warmUp.admits(authorization, request.connectionRemoteAddress())) {
        return handler.handle(request, response, WarmUpKey.LISTENER);
      }
      return authentication
          .authenticate(
              new RequestAuthentication.Presented(
                  authorization,
                  SessionCookie.token(request.requestHeaders().getAll(HttpHeaderNames.COOKIE)),
                  RequestAuthentication.Presented.changes(request.method().name()),
                  request.requestHeaders().get(SessionCookie.CSRF_HEADER)),
              clients.of(request))
          .onErrorResume(
              ErrorResponseException.class,
              e -> NettyProblems.write(json, request, response, e).then(Mono.<Listener>empty()))
          .flatMap(listener -> Mono.from(handler.handle(request, response, listener)));
    };
  }
}
