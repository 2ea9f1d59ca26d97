package dev.cadenza.stream.delivery;

import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.transcode.Variant;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerResponse;

/**
 * The response for a variant still being made: its bytes as ffmpeg makes them, with no length
 * (chunked) and no byte ranges ({@code Accept-Ranges: none}), which {@value #VARIANT_HEADER} says;
 * once the variant is complete, the next request gets both, and a strong ETag.
 */
final class TranscodedStream {

  /** Names the variant served ({@code opus-96}), and says when it is still being made. */
  static final String VARIANT_HEADER = "X-Transcoding";

  private TranscodedStream() {}

  /** Status and headers; the body is {@link #body}. */
  static void head(Variant variant, Long estimatedLength, HttpServerResponse response) {
    response
        .status(HttpResponseStatus.OK)
        .header(HttpHeaderNames.CONTENT_TYPE, variant.format().contentType())
        .header(HttpHeaderNames.ACCEPT_RANGES, "none")
        .header(HttpHeaderNames.CACHE_CONTROL, "no-cache")
        .header("X-Content-Type-Options", "nosniff")
        .header(
            VARIANT_HEADER, variant.name() + "; in progress: no byte ranges until it is complete");
    if (estimatedLength != null) {
      response.header(HttpHeaderNames.CONTENT_LENGTH, Long.toString(estimatedLength));
    } else {
      response.responseHeaders().remove(HttpHeaderNames.CONTENT_LENGTH);
    }
  }

  /**
   * The run's output; with an estimated length, cut at it or padded with zeros up to it (decoders
   * skip trailing zeros; a client that asked for an estimate accepts both).
   */
  static Flux<ByteBuf> body(Flux<ByteBuf> output, Long estimatedLength, LongConsumer sent) {
    Flux<ByteBuf> counted = output;
    if (estimatedLength != null) {
      long limit = estimatedLength;
      long[] total = {0};
      counted =
          output
              .handle(
                  (ByteBuf piece, reactor.core.publisher.SynchronousSink<ByteBuf> sink) -> {
                    long room = limit - total[0];
                    if (room <= 0) {
                      piece.release();
                      return;
                    }
                    int n = (int) Math.min(room, piece.readableBytes());
                    total[0] += n;
                    sink.next(n == piece.readableBytes() ? piece : piece.retainedSlice(0, n));
                    if (n != piece.readableBytes()) {
                      piece.release();
                    }
                  })
              .concatWith(Flux.defer(() -> zeros(limit - total[0])));
    }
    return counted.doOnNext(piece -> sent.accept(piece.readableBytes()));
  }

  private static Flux<ByteBuf> zeros(long n) {
    if (n <= 0) {
      return Flux.empty();
    }
    int piece = 64 * 1024;
    return Flux.range(0, (int) ((n + piece - 1) / piece))
        .map(i -> Unpooled.wrappedBuffer(new byte[(int) Math.min(piece, n - (long) i * piece)]));
  }

  /**
   * The length to announce for {@code variant} of the track: its bit rate over the track's
   * duration, 5% and 16 KiB more (container, VBR); null when the duration is unknown.
   */
  static Long estimate(Track track, Variant variant, double offsetSeconds) {
    Long ms = track.tags().durationMs();
    if (ms == null || ms <= 0) {
      return null;
    }
    double seconds = Math.max(0, ms / 1000.0 - offsetSeconds);
    return (long) (seconds * variant.bitRate() * 1000 / 8 * 1.05) + 16 * 1024;
  }

  static Mono<Void> send(
      HttpServerResponse response, Flux<ByteBuf> output, Long estimatedLength, LongConsumer sent) {
    return response.send(body(output, estimatedLength, sent)).then();
  }
}
