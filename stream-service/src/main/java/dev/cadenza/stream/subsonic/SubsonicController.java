package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.store.ItemStore;
import dev.cadenza.stream.web.ClientAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The OpenSubsonic API at {@code /rest/{method}} and {@code /rest/{method}.view}: parameters from
 * the query and from a form body ({@code formPost}), authentication, then the method. Every answer
 * the spec defines is HTTP 200, failures included ({@code status="failed"} with the spec's code);
 * an unknown method is a 404 with a failed body. Nothing a client sends gets a 5xx or a stack
 * trace. {@code stream} and {@code download} are served ahead of this, on Reactor Netty ({@link
 * SubsonicStreamRoute}).
 */
@RestController
public class SubsonicController {

  private static final Logger log = LoggerFactory.getLogger(SubsonicController.class);

  private final SubsonicMethods methods;
  private final SubsonicAuthentication authentication;
  private final SubsonicResponses responses;
  private final ClientAddress clients;

  public SubsonicController(
      SubsonicMethods methods,
      SubsonicAuthentication authentication,
      SubsonicResponses responses,
      ClientAddress clients) {
    this.methods = methods;
    this.authentication = authentication;
    this.responses = responses;
    this.clients = clients;
  }

  @RequestMapping(
      path = "/rest/{method}",
      method = {RequestMethod.GET, RequestMethod.POST})
  public Mono<ResponseEntity<byte[]>> call(
      @PathVariable("method") String path, ServerWebExchange exchange) {
    String name = methodName(path);
    return params(exchange)
        .flatMap(params -> dispatch(name, params, exchange))
        .onErrorResume(SubsonicError.class, e -> Mono.just(failed(e, ResponseFormat.XML)));
  }

  /** {@code ping.view} and {@code ping} are the same method. */
  static String methodName(String path) {
    return path.endsWith(".view") ? path.substring(0, path.length() - 5) : path;
  }

  private Mono<ResponseEntity<byte[]>> dispatch(
      String name, SubsonicParams params, ServerWebExchange exchange) {
    ResponseFormat format;
    try {
      format = ResponseFormat.of(params);
    } catch (SubsonicError e) {
      return Mono.just(failed(e, ResponseFormat.fallback(params)));
    }
    SubsonicMethods.Entry entry = methods.find(name).orElse(null);
    if (entry == null) {
      SubsonicError unknown =
          SubsonicError.generic("Unknown method '" + SubsonicError.quote(name) + "'");
      return Mono.just(toEntity(HttpStatus.NOT_FOUND, responses.failed(unknown, format)));
    }
    Mono<SubsonicReply> reply =
        entry.isPublic()
            ? Mono.defer(() -> entry.publicMethod().apply(params))
            : authentication
                .authenticate(params, clients.of(exchange.getRequest()))
                .flatMap(
                    listener -> {
                      exchange.getAttributes().put(Listener.ATTRIBUTE, listener);
                      return entry.method().handle(new SubsonicCall(name, params, listener));
                    });
    return reply
        .onErrorMap(ErrorResponseException.class, SubsonicError::of)
        .onErrorMap(
            ItemStore.Unavailable.class,
            e -> SubsonicError.generic("The store cannot be reached right now; retry shortly"))
        .map(r -> render(r, format))
        .onErrorResume(SubsonicError.class, e -> Mono.just(failed(e, format)))
        .onErrorResume(
            e -> {
              log.error("OpenSubsonic method {} failed", name, e);
              return Mono.just(
                  failed(
                      SubsonicError.generic("Internal error; the server log has details"), format));
            });
  }

  private ResponseEntity<byte[]> render(SubsonicReply reply, ResponseFormat format) {
    if (reply instanceof SubsonicReply.Binary binary) {
      ResponseEntity.BodyBuilder ok =
          ResponseEntity.ok()
              .contentType(MediaType.parseMediaType(binary.contentType()))
              .cacheControl(CacheControl.noCache())
              .header("X-Content-Type-Options", "nosniff");
      if (binary.etag() != null) {
        ok.eTag(binary.etag());
      }
      return ok.body(binary.body());
    }
    return toEntity(
        HttpStatus.OK, responses.ok(((SubsonicReply.Payload) reply).contents(), format));
  }

  private ResponseEntity<byte[]> failed(SubsonicError error, ResponseFormat format) {
    return toEntity(HttpStatus.OK, responses.failed(error, format));
  }

  private static ResponseEntity<byte[]> toEntity(
      HttpStatus status, SubsonicResponses.Rendered rendered) {
    return ResponseEntity.status(status)
        .contentType(MediaType.parseMediaType(rendered.contentType()))
        .cacheControl(CacheControl.noStore())
        .body(rendered.body());
  }

  /** Query parameters, then those of a form body. */
  private static Mono<SubsonicParams> params(ServerWebExchange exchange) {
    String rawQuery = exchange.getRequest().getURI().getRawQuery();
    return exchange
        .getFormData()
        .map(form -> SubsonicParams.parse(rawQuery, form))
        .onErrorMap(
            e -> !(e instanceof SubsonicError),
            e -> SubsonicError.generic("Unreadable form body: " + e.getMessage()));
  }
}
