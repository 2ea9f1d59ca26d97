package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.delivery.StreamOptions;
import dev.cadenza.stream.delivery.TrackStream;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.transcode.TranscodePolicy;
import dev.cadenza.stream.web.ClientAddress;
import dev.cadenza.stream.web.NettyRoutes;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.http.ContentDisposition;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code stream} and {@code download} ({@code /rest/stream[.view]}, {@code /rest/download[.view]};
 * GET, HEAD and form POST): the call is authenticated as every other one, then the original file is
 * served by {@link TrackStream} on Reactor Netty, ahead of Spring's dispatcher, with the native
 * route's byte ranges, validators and cache. {@code download} adds a {@code Content-Disposition}.
 *
 * <p>{@code stream} transcodes as {@code format} and {@code maxBitRate} ask (and the user's own
 * limit), {@code timeOffset} starts a transcode that far into the track, and {@code
 * estimateContentLength} announces a length for a transcode still being made (docs/transcoding.md);
 * an unknown format is served as if none was asked for. {@code download} always sends the original.
 */
@Component
public class SubsonicStreamRoute implements NettyRouteProvider {

  private static final Logger log = LoggerFactory.getLogger(SubsonicStreamRoute.class);

  /** Form bodies are a few parameters; a larger one is refused, not buffered. */
  static final int MAX_FORM_BYTES = 64 * 1024;

  private final SubsonicAuthentication authentication;
  private final SubsonicResponses responses;
  private final SubsonicCatalog catalog;
  private final TrackStream trackStream;
  private final ClientAddress clients;
  private final JsonMapper json;
  private final TranscodePolicy policy;

  public SubsonicStreamRoute(
      SubsonicAuthentication authentication,
      SubsonicResponses responses,
      SubsonicCatalog catalog,
      TrackStream trackStream,
      ClientAddress clients,
      JsonMapper json,
      TranscodePolicy policy) {
    this.policy = policy;
    this.authentication = authentication;
    this.responses = responses;
    this.catalog = catalog;
    this.trackStream = trackStream;
    this.clients = clients;
    this.json = json;
  }

  @Override
  public HttpServerRoutes apply(HttpServerRoutes routes) {
    HttpServerRoutes r = routes;
    for (String method : List.of("stream", "download")) {
      boolean download = method.equals("download");
      for (String path : List.of("/rest/" + method, "/rest/" + method + ".view")) {
        r =
            r.get(path, (req, res) -> handle(req, res, download))
                .head(path, (req, res) -> handle(req, res, download))
                .post(path, (req, res) -> handle(req, res, download));
        r = NettyRoutes.otherMethods(r, json, path, "GET", "HEAD", "POST");
      }
    }
    for (String path : List.of("/rest/getTranscodeStream", "/rest/getTranscodeStream.view")) {
      r =
          r.get(path, this::transcodeStream)
              .head(path, this::transcodeStream)
              .post(path, this::transcodeStream);
      r = NettyRoutes.otherMethods(r, json, path, "GET", "HEAD", "POST");
    }
    return r;
  }

  /**
   * {@code getTranscodeStream} (the {@code transcoding} extension): {@code mediaId}, {@code
   * mediaType=song}, the {@code transcodeParams} {@code getTranscodeDecision} gave, and {@code
   * offset} in seconds.
   */
  Publisher<Void> transcodeStream(HttpServerRequest request, HttpServerResponse response) {
    return call(
        request, response, (params, listener) -> transcoded(params, listener, request, response));
  }

  Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response, boolean download) {
    return call(
        request,
        response,
        (params, listener) -> {
          Track track = catalog.current().track(params.required("id"));
          if (download) {
            response.header(
                HttpHeaderNames.CONTENT_DISPOSITION,
                ContentDisposition.attachment()
                    .filename(fileName(track), StandardCharsets.UTF_8)
                    .build()
                    .toString());
            return Mono.from(trackStream.send(track, request, response));
          }
          return Mono.from(trackStream.send(track, options(params, listener), request, response));
        });
  }

  /** What a call does once its caller is known. */
  private interface Authenticated {
    Mono<Void> serve(SubsonicParams params, Listener listener);
  }

  /**
   * The call's parameters (query, then a form body), its response format, its authentication, then
   * {@code serve}; every failure is answered with the spec's failed body in that format.
   */
  private Mono<Void> call(
      HttpServerRequest request, HttpServerResponse response, Authenticated serve) {
    return params(request)
        .flatMap(
            params -> {
              ResponseFormat format;
              try {
                format = ResponseFormat.of(params);
              } catch (SubsonicError e) {
                return fail(response, request, e, ResponseFormat.fallback(params));
              }
              return authentication
                  .authenticate(params, clients.of(request))
                  .flatMap(listener -> serve.serve(params, listener))
                  .onErrorResume(SubsonicError.class, e -> fail(response, request, e, format))
                  .onErrorResume(
                      e -> !(e instanceof SubsonicError),
                      e -> {
                        log.error("OpenSubsonic stream failed", e);
                        return fail(
                            response,
                            request,
                            SubsonicError.generic("Internal error; the server log has details"),
                            format);
                      });
            })
        .onErrorResume(SubsonicError.class, e -> fail(response, request, e, ResponseFormat.XML));
  }

  private Mono<Void> transcoded(
      SubsonicParams params,
      Listener listener,
      HttpServerRequest request,
      HttpServerResponse response) {
    String type = params.required("mediaType");
    if (!type.equals("song")) {
      throw SubsonicError.invalid("mediaType", type, "song");
    }
    Track track = catalog.current().track(params.required("mediaId"));
    String given = params.required("transcodeParams");
    TranscodeDecisions.Params chosen =
        TranscodeDecisions.Params.parse(given)
            .orElseThrow(
                () ->
                    SubsonicError.invalid(
                        "transcodeParams", given, "what getTranscodeDecision answered"));
    StreamOptions options =
        new StreamOptions(
            new TranscodePolicy.Ask(
                chosen.format(),
                chosen.bitRate(),
                TrackStream.userMaxBitRate(listener),
                policy.subsonicDefault(),
                false),
            Math.max(0, lenientInteger(params, "offset")),
            false);
    return Mono.from(trackStream.send(track, options, request, response));
  }

  /**
   * What {@code stream} asks for. A bad {@code maxBitRate} or {@code timeOffset} is no limit and no
   * offset (clients send odd values; the track is served either way).
   */
  private StreamOptions options(SubsonicParams params, Listener listener) {
    int maxBitRate = lenientInteger(params, "maxBitRate");
    double offset = Math.max(0, lenientInteger(params, "timeOffset"));
    boolean estimate;
    try {
      estimate = params.bool("estimateContentLength", false);
    } catch (SubsonicError e) {
      estimate = false;
    }
    String format = params.optional("format").orElse(null);
    return new StreamOptions(
        new TranscodePolicy.Ask(
            format,
            Math.max(0, maxBitRate),
            TrackStream.userMaxBitRate(listener),
            policy.subsonicDefault(),
            false),
        offset,
        estimate);
  }

  private static int lenientInteger(SubsonicParams params, String name) {
    try {
      return params.integer(name, 0);
    } catch (SubsonicError e) {
      return 0;
    }
  }

  private static String fileName(Track track) {
    return track.path().substring(track.path().lastIndexOf('/') + 1);
  }

  private Mono<Void> fail(
      HttpServerResponse response,
      HttpServerRequest request,
      SubsonicError error,
      ResponseFormat format) {
    if (response.hasSentHeaders()) {
      return Mono.error(error);
    }
    SubsonicResponses.Rendered rendered = responses.failed(error, format);
    response
        .status(HttpResponseStatus.OK)
        .header(HttpHeaderNames.CONTENT_TYPE, rendered.contentType())
        .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(rendered.body().length))
        .header(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.responseHeaders().remove(HttpHeaderNames.CONTENT_DISPOSITION);
    if (request.method().equals(HttpMethod.HEAD)) {
      return response.send().then();
    }
    return response.sendByteArray(Mono.just(rendered.body())).then();
  }

  /** The query's parameters, then those of a form body. */
  private static Mono<SubsonicParams> params(HttpServerRequest request) {
    String uri = request.uri();
    int q = uri.indexOf('?');
    String rawQuery = q < 0 ? null : uri.substring(q + 1);
    Charset form = request.method().equals(HttpMethod.POST) ? formCharset(request) : null;
    if (form == null) {
      return Mono.fromCallable(() -> SubsonicParams.parse(rawQuery, (String) null));
    }
    return request
        .receive()
        .asByteArray()
        .reduceWith(
            ByteArrayOutputStream::new,
            (body, bytes) -> {
              if (body.size() + bytes.length > MAX_FORM_BYTES) {
                throw SubsonicError.generic("Form body larger than " + MAX_FORM_BYTES + " bytes");
              }
              body.writeBytes(bytes);
              return body;
            })
        .map(body -> SubsonicParams.parse(rawQuery, body.toString(form), form))
        .switchIfEmpty(Mono.fromCallable(() -> SubsonicParams.parse(rawQuery, (String) null)));
  }

  /**
   * The charset of a form body ({@code application/x-www-form-urlencoded}, UTF-8 unless its {@code
   * charset} says otherwise, as Spring reads the other calls' forms), or null when the body is not
   * a form. Media types and charsets compare case-insensitively (RFC 9110 section 8.3.1).
   */
  static Charset formCharset(HttpServerRequest request) {
    String contentType = request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE);
    if (contentType == null) {
      return null;
    }
    MediaType type;
    try {
      type = MediaType.parseMediaType(contentType);
    } catch (InvalidMediaTypeException e) {
      return null; // not a form: its parameters are the query's
    }
    if (!type.equalsTypeAndSubtype(MediaType.APPLICATION_FORM_URLENCODED)) {
      return null;
    }
    return type.getCharset() == null ? StandardCharsets.UTF_8 : type.getCharset();
  }
}
