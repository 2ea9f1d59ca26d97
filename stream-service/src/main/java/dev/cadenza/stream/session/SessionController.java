package dev.cadenza.stream.session;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.Member;
import dev.cadenza.protocol.SessionEvent;
import dev.cadenza.protocol.SessionView;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.RequestAuthentication;
import dev.cadenza.stream.web.ClientAddress;
import dev.cadenza.stream.web.EventStreamLimit;
import dev.cadenza.stream.web.IfMatch;
import java.net.URI;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Group playback sessions over HTTP (docs/sessions.md): create, join and leave, play, pause and
 * seek at media-clock instants, and follow a session as server-sent events. Every answer that shows
 * a session carries its version as the ETag; commands accept it in {@code If-Match}.
 */
@RestController
@RequestMapping(path = Api.SESSIONS, produces = MediaType.APPLICATION_JSON_VALUE)
public class SessionController {

  private final Sessions sessions;
  private final SessionBodies bodies;
  private final SessionEvents events;
  private final SessionSettings settings;
  private final EventStreamLimit eventStreams;
  private final ClientAddress clients;

  SessionController(
      Sessions sessions,
      SessionBodies bodies,
      SessionEvents events,
      SessionSettings settings,
      EventStreamLimit eventStreams,
      ClientAddress clients) {
    this.sessions = sessions;
    this.clients = clients;
    this.bodies = bodies;
    this.events = events;
    this.settings = settings;
    this.eventStreams = eventStreams;
  }

  @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<SessionView>> create(
      Listener listener, ServerWebExchange exchange, @RequestBody(required = false) String body) {
    return Mono.defer(() -> sessions.create(bodies.create(body), actor(listener, exchange)))
        .map(
            s ->
                ResponseEntity.created(URI.create(Api.session(s.id())))
                    .eTag(etag(s))
                    .body(s.view()));
  }

  @GetMapping("/{id}")
  public Mono<ResponseEntity<SessionView>> get(
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_NONE_MATCH, required = false) String ifNoneMatch) {
    return sessions
        .get(id)
        .map(
            s -> {
              IfMatch unchanged = IfMatch.of(ifNoneMatch);
              if (unchanged != null && unchanged.matchesWeakly(s.version())) {
                return ResponseEntity.status(HttpStatus.NOT_MODIFIED)
                    .eTag(etag(s))
                    .<SessionView>build();
              }
              return ok(s);
            });
  }

  @DeleteMapping("/{id}")
  public Mono<ResponseEntity<Void>> end(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return sessions
        .end(id, IfMatch.of(ifMatch), listener)
        .map(s -> ResponseEntity.noContent().build());
  }

  @PostMapping(path = "/{id}/members", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<Member>> join(
      Listener listener,
      ServerWebExchange exchange,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return Mono.defer(
            () ->
                sessions.join(
                    id, bodies.join(body), IfMatch.of(ifMatch), actor(listener, exchange)))
        .map(
            j ->
                ResponseEntity.created(URI.create(Api.members(id) + "/" + j.member().id()))
                    .eTag(etag(j.session()))
                    .body(j.member()));
  }

  @DeleteMapping("/{id}/members/{memberId}")
  public Mono<ResponseEntity<Void>> leave(
      Listener listener,
      @PathVariable String id,
      @PathVariable String memberId,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch) {
    return sessions
        .leave(id, memberId, IfMatch.of(ifMatch), listener)
        .map(s -> ResponseEntity.noContent().eTag(etag(s)).build());
  }

  @PostMapping(path = "/{id}/play", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<SessionView>> play(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return Mono.defer(() -> sessions.play(id, bodies.play(body), IfMatch.of(ifMatch), listener))
        .map(SessionController::ok);
  }

  @PostMapping(path = "/{id}/pause", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<SessionView>> pause(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return Mono.defer(() -> sessions.pause(id, bodies.pause(body), IfMatch.of(ifMatch), listener))
        .map(SessionController::ok);
  }

  @PostMapping(path = "/{id}/seek", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<ResponseEntity<SessionView>> seek(
      Listener listener,
      @PathVariable String id,
      @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
      @RequestBody(required = false) String body) {
    return Mono.defer(() -> sessions.seek(id, bodies.seek(body), IfMatch.of(ifMatch), listener))
        .map(SessionController::ok);
  }

  /**
   * The session as server-sent events: {@code snapshot}, then one event per newer version, {@code
   * ended} and completion when it ends; a comment every {@code heartbeat} keeps proxies from
   * closing the stream. A client holds at most {@code cadenza.server.max-event-streams-per-client}
   * streams at once; past that it gets 429.
   */
  @GetMapping(path = "/{id}/events", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public Mono<ResponseEntity<?>> events(
      @PathVariable String id,
      @RequestHeader(name = "Last-Event-ID", required = false) String lastEventId,
      ServerHttpRequest request) {
    return sessions
        .get(id)
        .<ResponseEntity<?>>map(
            current -> {
              EventStreamLimit.Slot slot = eventStreams.open(request);
              Sinks.Empty<Void> done = Sinks.empty();
              Flux<ServerSentEvent<SessionEvent>> changes =
                  events
                      .subscribe(current, version(lastEventId))
                      .map(
                          e ->
                              ServerSentEvent.builder(e)
                                  .event(e.type())
                                  .id(Long.toString(e.session().version()))
                                  .build())
                      // ended, or dropped for falling behind (the client reconnects): stop beating
                      .doFinally(signal -> done.tryEmitEmpty());
              Flux<ServerSentEvent<SessionEvent>> heartbeats =
                  Flux.interval(settings.heartbeat())
                      .map(
                          i ->
                              ServerSentEvent.<SessionEvent>builder().comment("keep-alive").build())
                      .takeUntilOther(done.asMono());
              Flux<ServerSentEvent<SessionEvent>> stream =
                  Flux.merge(changes, heartbeats).doFinally(signal -> slot.close());
              return ResponseEntity.ok()
                  .cacheControl(CacheControl.noStore())
                  // nginx: pass events through as they come
                  .header("X-Accel-Buffering", "no")
                  .contentType(MediaType.TEXT_EVENT_STREAM)
                  .body(stream);
            })
        // as JSON: the stream's content type would wrap the problem in an SSE message
        .onErrorResume(
            ErrorResponseException.class,
            e ->
                Mono.just(
                    ResponseEntity.status(e.getStatusCode())
                        .headers(e.getHeaders())
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .body(e.getBody())));
  }

  /**
   * Who a create or join counts against. With authentication off every request is the same
   * anonymous admin, so sessions tell clients apart by address: the quotas and the members per user
   * then apply per client address (behind a trusted proxy, the player's, see {@link
   * ClientAddress}).
   */
  Listener actor(Listener listener, ServerWebExchange exchange) {
    if (!RequestAuthentication.ANONYMOUS_ADMIN.equals(listener)) {
      return listener;
    }
    return new Listener(
        "address:" + clients.of(exchange.getRequest()),
        listener.username(),
        listener.role(),
        listener.maxBitRate());
  }

  private static ResponseEntity<SessionView> ok(StoredSession s) {
    return ResponseEntity.ok().eTag(etag(s)).body(s.view());
  }

  private static String etag(StoredSession s) {
    return "\"" + s.version() + "\"";
  }

  private static Long version(String lastEventId) {
    if (lastEventId == null) {
      return null;
    }
    try {
      return Long.parseLong(lastEventId.trim());
    } catch (NumberFormatException e) {
      return null; // not one of ours: the client gets a snapshot
    }
  }
}
