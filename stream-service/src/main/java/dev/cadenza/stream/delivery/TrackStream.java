package dev.cadenza.stream.delivery;

import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.account.NettyAuthentication;
import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.cache.MadeChunkGone;
import dev.cadenza.stream.cache.Prefetcher;
import dev.cadenza.stream.library.FileChangedException;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.transcode.TranscodeFailedException;
import dev.cadenza.stream.transcode.TranscodePolicy;
import dev.cadenza.stream.transcode.Transcoder;
import dev.cadenza.stream.transcode.Variant;
import dev.cadenza.stream.web.NettyProblems;
import dev.cadenza.stream.web.NettyRoutes;
import dev.cadenza.stream.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.stereotype.Component;
import org.springframework.web.ErrorResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.scheduler.Schedulers;
import reactor.netty.Connection;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code GET|HEAD /api/v1/tracks/{id}/stream}: the original bytes of a track with RFC 9110
 * validators, conditional requests and byte ranges (single, suffix, open-ended, multiple).
 *
 * <p>This route is served by Reactor Netty directly, ahead of Spring's dispatcher: streaming is the
 * hot path, and the dispatcher costs several times what the file transfer does for a short range.
 * Files are only ever reached through the catalogue: no part of a request becomes a path.
 */
@Component
public class TrackStream implements NettyRouteProvider {

  static final String PATH = "/api/v1/tracks/{id}/stream";

  private static final Logger log = LoggerFactory.getLogger(TrackStream.class);

  private final Library library;
  private final ChunkCache cache;
  private final Prefetcher prefetcher;
  private final Path realRoot;
  private final JsonMapper json;
  private final MeterRegistry meters;
  private final NettyAuthentication authentication;
  private final TranscodePolicy policy;
  private final Transcoder transcoder;

  /** {@code cadenza.stream.requests} by method (GET, HEAD) and status, made on first use. */
  private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(2 * 600);

  private final Counter fullBytes;
  private final Counter partialBytes;
  private final Counter aborted;
  private final Counter clientAborts;

  public TrackStream(
      Library library,
      ChunkCache cache,
      Prefetcher prefetcher,
      JsonMapper json,
      MeterRegistry meters,
      NettyAuthentication authentication,
      TranscodePolicy policy,
      Transcoder transcoder)
      throws IOException {
    this.policy = policy;
    this.transcoder = transcoder;
    this.library = library;
    this.cache = cache;
    this.prefetcher = prefetcher;
    this.realRoot = library.root().toRealPath();
    this.json = json;
    this.meters = meters;
    this.authentication = authentication;
    this.fullBytes = bytesCounter(meters, "200");
    this.partialBytes = bytesCounter(meters, "206");
    this.aborted =
        Counter.builder("cadenza.stream.aborted")
            .description("Responses cut short because the file changed while being sent")
            .register(meters);
    this.clientAborts =
        Counter.builder("cadenza.stream.client.aborts")
            .description(
                "Responses the client left before their end (connection reset, broken pipe,"
                    + " cancelled)")
            .register(meters);
  }

  private static Counter bytesCounter(MeterRegistry meters, String status) {
    return Counter.builder("cadenza.stream.bytes")
        .description("Audio bytes handed to clients")
        .baseUnit("bytes")
        .tag("status", status)
        .register(meters);
  }

  @Override
  public HttpServerRoutes apply(HttpServerRoutes routes) {
    // ahead of Spring's dispatcher, so ahead of its authentication filter: guarded here
    var guarded = authentication.required(this::handle);
    return NettyRoutes.otherMethods(
        routes.get(PATH, guarded).head(PATH, guarded), json, PATH, "GET", "HEAD");
  }

  Publisher<Void> handle(
      HttpServerRequest request, HttpServerResponse response, Listener listener) {
    return handle(request, response, () -> serve(request, response, options(request, listener)));
  }

  /**
   * The user's own bit rate limit, which an admin set (0: none; no user when authentication is
   * off).
   */
  public static int userMaxBitRate(Listener listener) {
    return listener == null ? 0 : listener.maxBitRate();
  }

  /**
   * {@code format} (raw, opus, mp3, aac, m4a) and {@code bitrate} (kbit/s, at most) of the native
   * route; a bad value is a 400 problem.
   */
  private StreamOptions options(HttpServerRequest request, Listener listener) {
    int userMax = userMaxBitRate(listener);
    Map<String, List<String>> query;
    try {
      query = new QueryStringDecoder(request.uri()).parameters();
    } catch (IllegalArgumentException e) {
      String uri = request.uri();
      throw Problems.badParameter(
          "query",
          uri.substring(uri.indexOf('?') + 1),
          "must be valid percent-encoding (" + e.getMessage() + ")");
    }
    String format = single(query, "format");
    String bitrate = single(query, "bitrate");
    if (format == null && bitrate == null) {
      return new StreamOptions(
          new TranscodePolicy.Ask(null, 0, userMax, policy.nativeDefault(), true), 0, false);
    }
    int limit = 0;
    if (bitrate != null) {
      try {
        limit = Integer.parseInt(bitrate);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > 10_000) {
        throw Problems.badParameter(
            "bitrate", bitrate, "must be a bit rate in kbit/s, a whole number from 1 to 10000");
      }
    }
    return new StreamOptions(
        new TranscodePolicy.Ask(format, limit, userMax, policy.nativeDefault(), true), 0, false);
  }

  private static String single(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw Problems.badParameter(name, String.join(",", values), "must be given once");
    }
    return values.get(0);
  }

  /**
   * Serves a track that another route found (the OpenSubsonic {@code stream} and {@code download}):
   * the same validators, conditional requests, byte ranges, cache and metrics as this route; a file
   * gone or changed since the scan is handled as here, and its problems answered as here.
   */
  public Publisher<Void> send(Track track, HttpServerRequest request, HttpServerResponse response) {
    return send(track, StreamOptions.ORIGINAL, request, response);
  }

  /**
   * {@link #send(Track, HttpServerRequest, HttpServerResponse)} transcoded as {@code options} ask.
   */
  public Publisher<Void> send(
      Track track, StreamOptions options, HttpServerRequest request, HttpServerResponse response) {
    return handle(request, response, () -> serve(track, request, response, options));
  }

  private Publisher<Void> handle(
      HttpServerRequest request, HttpServerResponse response, Supplier<Mono<Void>> serve) {
    long start = System.nanoTime();
    return Mono.defer(serve)
        .onErrorResume(e -> recover(request, response, e))
        .doFinally(
            signal -> {
              if (signal == SignalType.CANCEL) {
                clientAborted(request, "cancelled");
              }
              record(request, response, start);
            });
  }

  /**
   * What a failed response becomes: a problem while nothing is sent, else a connection cut short
   * (counted and logged once by cause). One operator for all of them: every stream request
   * assembles it.
   */
  private Mono<Void> recover(
      HttpServerRequest request, HttpServerResponse response, Throwable error) {
    if (error instanceof ErrorResponseException e) {
      // writing the problem may fail in turn: the client gone meanwhile
      return problem(request, response, e)
          .onErrorResume(
              later ->
                  later instanceof ErrorResponseException
                      ? Mono.error(later)
                      : recover(request, response, later));
    }
    if (error instanceof MadeChunkGone) {
      log.info("{}; the response is cut short", error.getMessage());
    } else if (error instanceof FileChangedException) {
      aborted.increment();
      log.warn(error.getMessage()); // one line: the stack says nothing the message does not
    } else if (clientWentAway(error)) {
      clientAborted(request, error.toString());
    } else {
      return Mono.error(error);
    }
    response.withConnection(Connection::dispose);
    return Mono.empty();
  }

  /**
   * Whether a failed send failed because the client went away (reset, broken pipe, closed): what
   * players do whenever a listener skips or seeks, so it is counted, not warned about.
   */
  static boolean clientWentAway(Throwable e) {
    return e instanceof AbortedException || AbortedException.isConnectionReset(e);
  }

  private void clientAborted(HttpServerRequest request, String how) {
    clientAborts.increment();
    if (log.isDebugEnabled()) { // fullPath() parses the URI
      // the path only: an OpenSubsonic query carries credentials
      log.debug("Client left {} before the end of the response ({})", request.fullPath(), how);
    }
  }

  private Mono<Void> serve(
      HttpServerRequest request, HttpServerResponse response, StreamOptions options) {
    String id = request.param("id");
    if (id == null || !Ids.ID.matcher(id).matches()) {
      throw Problems.trackNotFound(String.valueOf(id));
    }
    return serve(
        library.track(id).orElseThrow(() -> Problems.trackNotFound(id)),
        request,
        response,
        options);
  }

  private Mono<Void> serve(
      Track listed, HttpServerRequest request, HttpServerResponse response, StreamOptions options) {
    String id = listed.id();
    FileVersion onDisk = currentVersion(listed);
    if (onDisk.equals(listed.version())) {
      return deliver(listed, options, request, response);
    }
    // The file changed since the last scan: re-read it off the event loop, then serve the new one.
    return Mono.fromCallable(() -> library.refresh(listed, onDisk))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            refreshed ->
                refreshed
                    .map(t -> deliver(t, options, request, response))
                    .orElseGet(() -> Mono.error(Problems.trackNotFound(id))));
  }

  /**
   * The file's version now: one {@code stat} when it is the version listed, which is the hot path.
   * The catalogue lists only files the scan found inside the library, and the version pins the
   * inode (with its change time, which no one can set back), so an unchanged version is that same
   * file however the path resolves now. Only a file that changed has its path resolved again
   * ({@code realpath}: a {@code readlink} per component, more than the rest of a short range
   * costs): it must still lead inside the library, or it is treated as gone.
   */
  private FileVersion currentVersion(Track track) {
    try {
      FileVersion now = FileVersion.of(track.file());
      if (!now.equals(track.version()) && !track.file().toRealPath().startsWith(realRoot)) {
        log.warn("'{}' now leads out of the library; not serving it", track.path());
        library.forget(track);
        throw Problems.trackNotFound(track.id());
      }
      return now;
    } catch (NoSuchFileException e) {
      library.forget(track);
      throw Problems.trackNotFound(track.id());
    } catch (IOException e) {
      throw Problems.trackUnavailable(track.id(), e);
    }
  }

  /** The original, or the variant {@code options} ask for (docs/transcoding.md). */
  private Mono<Void> deliver(
      Track track, StreamOptions options, HttpServerRequest request, HttpServerResponse response) {
    Optional<Variant> chosen =
        options.transcode() == null ? Optional.empty() : policy.decide(track, options.transcode());
    if (chosen.isEmpty()) {
      return respond(Representation.original(track), request, response);
    }
    Variant variant = chosen.get();
    if (!transcoder.available()) {
      response.header(
          TranscodedStream.VARIANT_HEADER,
          "none; transcoding is unavailable, the original is served");
      return respond(Representation.original(track), request, response);
    }
    boolean head = request.method().equals(HttpMethod.HEAD);
    Long estimate =
        options.estimateLength()
            ? TranscodedStream.estimate(track, variant, options.offsetSeconds())
            : null;
    if (options.offsetSeconds() > 0) {
      TranscodedStream.head(variant, estimate, response);
      if (head) {
        return response.send().then();
      }
      return transcoder
          .openAt(track, variant, options.offsetSeconds())
          .flatMap(run -> live(track, variant, run.follow(), estimate, request, response));
    }
    if (head) {
      return transcoder
          .find(track, variant)
          .flatMap(made -> respond(made(track, variant, made), request, response))
          .switchIfEmpty(
              Mono.defer(
                  () -> {
                    TranscodedStream.head(variant, estimate, response);
                    return response.send().then();
                  }));
    }
    return transcoder
        .open(track, variant)
        .flatMap(
            opened -> {
              if (opened instanceof Transcoder.Running running) {
                return live(track, variant, running.run().follow(), estimate, request, response);
              }
              Transcoder.Made made = ((Transcoder.Ready) opened).made();
              return respond(made(track, variant, made), request, response)
                  .onErrorResume(
                      MadeChunkGone.class,
                      gone -> {
                        transcoder.gone(made.source());
                        if (response.hasSentHeaders()) {
                          return Mono.error(gone);
                        }
                        clearRepresentationHeaders(response);
                        return deliver(track, options, request, response);
                      });
            });
  }

  private static Representation made(Track track, Variant variant, Transcoder.Made made) {
    return Representation.made(track, made, variant.format().contentType());
  }

  /**
   * A variant as it is made; when the run fails before its first byte, the original instead (the
   * listener hears the track, in its own format).
   */
  private Mono<Void> live(
      Track track,
      Variant variant,
      Flux<ByteBuf> output,
      Long estimate,
      HttpServerRequest request,
      HttpServerResponse response) {
    TranscodedStream.head(variant, estimate, response);
    return TranscodedStream.send(response, output, estimate, fullBytes::increment)
        .onErrorResume(
            TranscodeFailedException.class,
            e -> {
              if (response.hasSentHeaders()) {
                log.warn("{}; the response is cut short", e.getMessage());
                response.withConnection(Connection::dispose);
                return Mono.empty();
              }
              log.warn("{}; the original is served instead", e.getMessage());
              clearRepresentationHeaders(response);
              response.header(
                  TranscodedStream.VARIANT_HEADER,
                  "none; transcoding failed, the original is served");
              return respond(Representation.original(track), request, response);
            });
  }

  private static void clearRepresentationHeaders(HttpServerResponse response) {
    for (CharSequence name :
        List.of(
            HttpHeaderNames.ETAG,
            HttpHeaderNames.LAST_MODIFIED,
            HttpHeaderNames.CONTENT_LENGTH,
            HttpHeaderNames.CONTENT_RANGE,
            HttpHeaderNames.CONTENT_TYPE,
            HttpHeaderNames.ACCEPT_RANGES,
            TranscodedStream.VARIANT_HEADER)) {
      response.responseHeaders().remove(name);
    }
  }

  private Mono<Void> respond(
      Representation rep, HttpServerRequest request, HttpServerResponse response) {
    Track track = rep.track();
    HttpHeaders in = request.requestHeaders();
    if (!rep.isOriginal()) {
      response.header(TranscodedStream.VARIANT_HEADER, rep.variant());
    }
    response
        .header(HttpHeaderNames.ETAG, rep.etag())
        .header(HttpHeaderNames.LAST_MODIFIED, HttpDates.format(track.lastModified()))
        .header(HttpHeaderNames.ACCEPT_RANGES, "bytes")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .header("X-Content-Type-Options", "nosniff");

    switch (Preconditions.evaluate(in::get, rep.etag(), track.lastModified())) {
      case NOT_MODIFIED -> {
        return response.status(HttpResponseStatus.NOT_MODIFIED).send();
      }
      case FAILED -> throw Problems.preconditionFailed(track.id());
      default -> {
        // serve it
      }
    }

    long size = rep.size();
    List<ByteRange> ranges = null;
    String rangeHeader = in.get(HttpHeaderNames.RANGE);
    if (rangeHeader != null
        && size > 0
        && Preconditions.rangeAllowed(in::get, rep.etag(), track.lastModified())) {
      ranges = RangeRequest.parse(rangeHeader).map(r -> r.resolve(size)).orElse(null);
      if (ranges != null && ranges.isEmpty()) {
        throw Problems.rangeNotSatisfiable(track.id(), size);
      }
    }

    boolean head = request.method().equals(HttpMethod.HEAD);
    List<FileBody.Segment> body;
    Counter bytes;
    if (ranges == null) {
      response.status(HttpResponseStatus.OK);
      response.header(HttpHeaderNames.CONTENT_TYPE, rep.contentType());
      body = size == 0 ? List.of() : List.of(new FileBody.Region(new ByteRange(0, size - 1)));
      bytes = fullBytes;
    } else if (ranges.size() == 1) {
      response.status(HttpResponseStatus.PARTIAL_CONTENT);
      response.header(HttpHeaderNames.CONTENT_TYPE, rep.contentType());
      response.header(HttpHeaderNames.CONTENT_RANGE, ranges.get(0).contentRange(size));
      body = List.of(new FileBody.Region(ranges.get(0)));
      bytes = partialBytes;
    } else {
      String boundary = boundary();
      response.status(HttpResponseStatus.PARTIAL_CONTENT);
      response.header(HttpHeaderNames.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
      body = multipart(rep, ranges, boundary);
      bytes = partialBytes;
    }
    long length = body.stream().mapToLong(FileBody.Segment::length).sum();
    response.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(length));
    if (head || length == 0) {
      return response.send().then();
    }
    if (rep.isOriginal() && (ranges == null || startsTrack(ranges))) {
      // the track starts (a seek into the middle does not): warm the likely next ones
      prefetcher.trackStarted(track);
    }
    // originals not served through L1 come from the file, through the page cache
    // (docs/caching.md#originals)
    if (!rep.isOriginal() || (cache.originalsInL1() && !(ranges != null && shortMiss(rep, body)))) {
      return new ChunkedBody(cache, rep.source(), bytes::increment).write(response, body);
    }
    return new FileBody(track.file(), track.path(), track.version(), bytes::increment)
        .write(response, body);
  }

  /**
   * A single range of the original, short enough to be read whole ({@link FileBody#SMALL}), whose
   * chunks L1 does not hold, while the file is the only tier below L1: read from the file (checked
   * as {@link FileBody} does), not loaded into L1 chunk by chunk (docs/caching.md). Whole files
   * still go through L1, which is what fills it.
   */
  private boolean shortMiss(Representation rep, List<FileBody.Segment> body) {
    return body.size() == 1
        && body.get(0) instanceof FileBody.Region region
        && region.length() <= FileBody.SMALL
        && cache.missesReadFromFile()
        && !cache.holds(rep.source(), region.range().first(), region.range().last());
  }

  private static boolean startsTrack(List<ByteRange> ranges) {
    for (ByteRange range : ranges) {
      if (range.first() == 0) {
        return true;
      }
    }
    return false;
  }

  private Mono<Void> problem(
      HttpServerRequest request, HttpServerResponse response, ErrorResponseException e) {
    return NettyProblems.write(json, request, response, e);
  }

  private void record(HttpServerRequest request, HttpServerResponse response, long start) {
    int status = response.status().code();
    boolean head = request.method().equals(HttpMethod.HEAD);
    int slot = (head ? 600 : 0) + Math.floorMod(status, 600);
    Timer timer = timers.get(slot);
    if (timer == null) {
      timer =
          Timer.builder("cadenza.stream.requests")
              .description("Stream requests, until the last byte is handed to the kernel")
              .tag("method", request.method().name())
              .tag("status", Integer.toString(status))
              .publishPercentileHistogram()
              .register(meters); // the registry answers the same timer to every racer
      timers.set(slot, timer);
    }
    timer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
  }

  /** The parts of a multipart/byteranges body (RFC 9110 §14.6), boundaries included. */
  private static List<FileBody.Segment> multipart(
      Representation rep, List<ByteRange> ranges, String boundary) {
    List<FileBody.Segment> segments = new ArrayList<>();
    for (ByteRange range : ranges) {
      String partHeader =
          "\r\n--"
              + boundary
              + "\r\nContent-Type: "
              + rep.contentType()
              + "\r\nContent-Range: "
              + range.contentRange(rep.size())
              + "\r\n\r\n";
      segments.add(new FileBody.Literal(partHeader.getBytes(StandardCharsets.US_ASCII)));
      segments.add(new FileBody.Region(range));
    }
    segments.add(
        new FileBody.Literal(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII)));
    return segments;
  }

  private static String boundary() {
    byte[] random = new byte[12];
    ThreadLocalRandom.current().nextBytes(random);
    return "cadenza-" + HexFormat.of().formatHex(random);
  }
}
