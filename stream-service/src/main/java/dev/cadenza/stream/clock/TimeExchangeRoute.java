package dev.cadenza.stream.clock;

import dev.cadenza.protocol.Api;
import dev.cadenza.protocol.TimeExchange;
import dev.cadenza.stream.web.AcceptHeaderLimit;
import dev.cadenza.stream.web.HttpProblems;
import dev.cadenza.stream.web.NettyProblems;
import dev.cadenza.stream.web.NettyRoutes;
import dev.cadenza.stream.web.Problems;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.reactivestreams.Publisher;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET|HEAD /api/v1/time[?t1=<client transmit, µs since the epoch>]}: one NTP-style exchange
 * with the media clock ({@link TimeExchange}). Served by Reactor Netty directly, ahead of Spring's
 * dispatcher, so that little but the network lies between the receive and transmit stamps: {@code
 * t2} is taken first thing, {@code t3} just before the body is encoded.
 */
@Component
public class TimeExchangeRoute implements NettyRouteProvider {

  private final DisciplinedClock clock;
  private final ClockSync sync;
  private final JsonMapper json;

  public TimeExchangeRoute(DisciplinedClock clock, ClockSync sync, JsonMapper json) {
    this.clock = clock;
    this.sync = sync;
    this.json = json;
  }

  @Override
  public HttpServerRoutes apply(HttpServerRoutes routes) {
    return NettyRoutes.otherMethods(
        routes.get(Api.TIME, this::handle).head(Api.TIME, this::handle),
        json,
        Api.TIME,
        "GET",
        "HEAD");
  }

  Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
    long received = clock.nowMicros();
    Long originate;
    try {
      originate = originate(request.uri());
      String unacceptable =
          AcceptHeaderLimit.refusal(
              request.requestHeaders().getAll(HttpHeaderNames.ACCEPT), MediaType.APPLICATION_JSON);
      if (unacceptable != null) {
        throw HttpProblems.notAcceptable(unacceptable, List.of(MediaType.APPLICATION_JSON_VALUE));
      }
    } catch (ErrorResponseException e) {
      return NettyProblems.write(json, request, response, e);
    }
    ClockStatus status = sync.status();
    long transmit = clock.nowMicros();
    byte[] body =
        json.writeValueAsBytes(
            new TimeExchange(
                originate,
                received,
                transmit,
                status.synchronised(),
                status.stratum(),
                status.configured() ? status.rootDistance() / 1_000 : 0));
    response
        .header(HttpHeaderNames.CONTENT_TYPE, "application/json")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store")
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(body.length));
    if (request.method().equals(HttpMethod.HEAD)) {
      return response.send();
    }
    return response.sendByteArray(Mono.just(body)).then();
  }

  /** The client's t1, or null without one. */
  private static Long originate(String uri) {
    List<String> values;
    try {
      values = new QueryStringDecoder(uri).parameters().get(Api.ORIGINATE_PARAM);
    } catch (IllegalArgumentException e) {
      throw HttpProblems.badRequest(
          "The query is not a valid percent-encoded query string: " + e.getMessage() + ".");
    }
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw HttpProblems.repeatedParameter(Api.ORIGINATE_PARAM, values);
    }
    String value = values.get(0);
    try {
      long t1 = Long.parseLong(value);
      if (t1 >= 0) {
        return t1;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw Problems.badParameter(
        Api.ORIGINATE_PARAM,
        value,
        "must be the client's transmit instant in microseconds since the Unix epoch (a"
            + " non-negative integer)");
  }
}
