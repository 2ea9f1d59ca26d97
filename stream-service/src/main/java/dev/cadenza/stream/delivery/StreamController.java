package dev.cadenza.stream.delivery;

import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.web.Problems;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET|HEAD /api/v1/tracks/{id}/stream}: the original bytes of a track with RFC 9110
 * validators, conditional requests and byte ranges (single, suffix, open-ended, multiple).
 *
 * <p>Files are only ever reached through the catalogue: no part of a request becomes a path.
 */
@RestController
public class StreamController {

  private static final Logger log = LoggerFactory.getLogger(StreamController.class);

  private final Library library;
  private final Path realRoot;
  private final Counter fullBytes;
  private final Counter partialBytes;
  private final Counter aborted;

  public StreamController(Library library, MeterRegistry meters) throws IOException {
    this.library = library;
    this.realRoot = library.root().toRealPath();
    this.fullBytes = bytesCounter(meters, "200");
    this.partialBytes = bytesCounter(meters, "206");
    this.aborted =
        Counter.builder("cadenza.stream.aborted")
            .description("Responses cut short because the file changed while being sent")
            .register(meters);
  }

  private static Counter bytesCounter(MeterRegistry meters, String status) {
    return Counter.builder("cadenza.stream.bytes")
        .description("Audio bytes handed to clients")
        .baseUnit("bytes")
        .tag("status", status)
        .register(meters);
  }

  @GetMapping("/api/v1/tracks/{id}/stream")
  public Mono<Void> stream(@PathVariable String id, ServerWebExchange exchange) {
    return serve(id, exchange)
        .onErrorResume(
            FileChangedException.class,
            e -> {
              aborted.increment();
              log.warn(e.getMessage());
              return FileBody.abort(exchange.getResponse(), e);
            });
  }

  private Mono<Void> serve(String id, ServerWebExchange exchange) {
    Track listed = library.track(id).orElseThrow(() -> Problems.trackNotFound(id));
    FileVersion onDisk = currentVersion(listed);
    if (onDisk.equals(listed.version())) {
      return respond(listed, exchange);
    }
    // The file changed since the last scan: re-read it off the event loop, then serve the new one.
    return Mono.fromCallable(() -> library.refresh(listed, onDisk))
        .subscribeOn(Schedulers.boundedElastic())
        .flatMap(
            refreshed ->
                refreshed
                    .map(t -> respond(t, exchange))
                    .orElseGet(() -> Mono.error(Problems.trackNotFound(id))));
  }

  private FileVersion currentVersion(Track track) {
    try {
      // The path must still resolve inside the library: a file swapped for a link that leads out
      // is treated as gone.
      if (!track.file().toRealPath().startsWith(realRoot)) {
        log.warn("'{}' now leads out of the library; not serving it", track.path());
        library.forget(track);
        throw Problems.trackNotFound(track.id());
      }
      return FileVersion.of(track.file());
    } catch (NoSuchFileException e) {
      library.forget(track);
      throw Problems.trackNotFound(track.id());
    } catch (IOException e) {
      throw Problems.trackUnavailable(track.id(), e);
    }
  }

  private Mono<Void> respond(Track track, ServerWebExchange exchange) {
    ServerHttpRequest request = exchange.getRequest();
    ServerHttpResponse response = exchange.getResponse();
    HttpHeaders out = response.getHeaders();
    out.set(HttpHeaders.ETAG, track.etag());
    out.set(HttpHeaders.LAST_MODIFIED, HttpDates.format(track.lastModified()));
    out.set(HttpHeaders.ACCEPT_RANGES, "bytes");
    out.set(HttpHeaders.CACHE_CONTROL, "no-cache");
    out.set("X-Content-Type-Options", "nosniff");

    HttpHeaders in = request.getHeaders();
    switch (Preconditions.evaluate(in, track.etag(), track.lastModified())) {
      case NOT_MODIFIED -> {
        response.setStatusCode(HttpStatus.NOT_MODIFIED);
        return response.setComplete();
      }
      case FAILED -> throw Problems.preconditionFailed(track.id());
      default -> {
        // serve it
      }
    }

    long size = track.size();
    List<ByteRange> ranges = null;
    String rangeHeader = in.getFirst(HttpHeaders.RANGE);
    if (rangeHeader != null
        && size > 0
        && Preconditions.rangeAllowed(in, track.etag(), track.lastModified())) {
      ranges = RangeRequest.parse(rangeHeader).map(r -> r.resolve(size)).orElse(null);
      if (ranges != null && ranges.isEmpty()) {
        throw Problems.rangeNotSatisfiable(track.id(), size);
      }
    }

    boolean head = request.getMethod() == HttpMethod.HEAD;
    if (ranges == null) {
      response.setStatusCode(HttpStatus.OK);
      out.set(HttpHeaders.CONTENT_TYPE, track.format().contentType());
      out.setContentLength(size);
      return head || size == 0
          ? response.setComplete()
          : body(track, fullBytes).write(response, List.of(region(0, size - 1)));
    }
    response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
    if (ranges.size() == 1) {
      ByteRange range = ranges.get(0);
      out.set(HttpHeaders.CONTENT_TYPE, track.format().contentType());
      out.set(HttpHeaders.CONTENT_RANGE, range.contentRange(size));
      out.setContentLength(range.length());
      return head
          ? response.setComplete()
          : body(track, partialBytes).write(response, List.of(new FileBody.Region(range)));
    }
    String boundary = boundary();
    List<FileBody.Segment> segments = multipart(track, ranges, boundary);
    out.set(HttpHeaders.CONTENT_TYPE, "multipart/byteranges; boundary=" + boundary);
    out.setContentLength(
        segments.stream()
            .mapToLong(
                s ->
                    s instanceof FileBody.Region r
                        ? r.range().length()
                        : ((FileBody.Literal) s).bytes().length)
            .sum());
    return head ? response.setComplete() : body(track, partialBytes).write(response, segments);
  }

  private FileBody body(Track track, Counter bytes) {
    return new FileBody(track.file(), track.path(), track.version(), bytes::increment);
  }

  private static FileBody.Region region(long first, long last) {
    return new FileBody.Region(new ByteRange(first, last));
  }

  /** The parts of a multipart/byteranges body (RFC 9110 §14.6), boundaries included. */
  private static List<FileBody.Segment> multipart(
      Track track, List<ByteRange> ranges, String boundary) {
    List<FileBody.Segment> segments = new ArrayList<>();
    for (ByteRange range : ranges) {
      String partHeader =
          "\r\n--"
              + boundary
              + "\r\nContent-Type: "
              + track.format().contentType()
              + "\r\nContent-Range: "
              + range.contentRange(track.size())
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
