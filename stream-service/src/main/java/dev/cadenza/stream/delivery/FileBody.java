package dev.cadenza.stream.delivery;

import dev.cadenza.stream.library.FileVersion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongConsumer;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferFactory;
import org.springframework.http.ZeroCopyHttpOutputMessage;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.ServerHttpResponseDecorator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;

/**
 * Writes byte ranges of a file as a response body, in memory independent of the file size, and
 * never completes a response whose bytes could mix two versions of the file: the file's version is
 * checked again before the last bytes go out, and a change aborts the response instead.
 *
 * <p>On Reactor Netty a single range goes out zero-copy (sendfile) in two regions: all but the last
 * {@link #TAIL} bytes, then the check, then the tail. A write that lands while the tail itself is
 * in flight is the one case this cannot catch (docs/streaming.md). Multipart bodies, and servers
 * without zero-copy, are read in {@link #CHUNK}-byte buffers and checked before the last one, which
 * closes even that gap.
 */
final class FileBody {

  static final int TAIL = 64 * 1024;
  static final int CHUNK = 64 * 1024;

  /** A piece of a body: literal bytes (multipart headers) or a range of the file. */
  sealed interface Segment permits Literal, Region {}

  record Literal(byte[] bytes) implements Segment {}

  record Region(ByteRange range) implements Segment {}

  private final Path file;
  private final String name;
  private final FileVersion version;
  private final LongConsumer bytesSent;

  /**
   * @param file the file to read
   * @param name how to name the file in errors
   * @param version the version the response headers describe
   * @param bytesSent told of file bytes as they are handed to the connection
   */
  FileBody(Path file, String name, FileVersion version, LongConsumer bytesSent) {
    this.file = file;
    this.name = name;
    this.version = version;
    this.bytesSent = bytesSent;
  }

  Mono<Void> write(ServerHttpResponse response, List<Segment> segments) {
    if (segments.size() == 1
        && segments.get(0) instanceof Region region
        && region.range().length() > TAIL
        && response instanceof ZeroCopyHttpOutputMessage zeroCopy
        && ServerHttpResponseDecorator.getNativeResponse(response)
            instanceof reactor.netty.http.server.HttpServerResponse netty) {
      return zeroCopy(zeroCopy, netty, region.range());
    }
    return response.writeWith(chunks(response.bufferFactory(), segments));
  }

  private Mono<Void> zeroCopy(
      ZeroCopyHttpOutputMessage response,
      reactor.netty.http.server.HttpServerResponse netty,
      ByteRange range) {
    long head = range.length() - TAIL;
    // Reactor Netty drops plain buffers written after a file region on the same response, so the
    // tail goes out as a second region, after the check.
    return response
        .writeWith(file, range.first(), head)
        .doOnSuccess(v -> bytesSent.accept(head))
        .then(Mono.fromRunnable(this::verify))
        .then(Mono.defer(() -> netty.sendFile(file, range.first() + head, TAIL).then()))
        .doOnSuccess(v -> bytesSent.accept(TAIL));
  }

  /**
   * Ends a response whose body went wrong after its headers were sent: the connection is closed so
   * the client sees fewer bytes than declared. Where that cannot be done, the error propagates.
   */
  static Mono<Void> abort(ServerHttpResponse response, RuntimeException cause) {
    if (ServerHttpResponseDecorator.getNativeResponse(response)
        instanceof reactor.netty.http.server.HttpServerResponse netty) {
      netty.withConnection(reactor.netty.Connection::dispose);
      return Mono.empty();
    }
    return Mono.error(cause);
  }

  private Flux<DataBuffer> chunks(DataBufferFactory buffers, List<Segment> segments) {
    int lastRegion = -1;
    for (int i = 0; i < segments.size(); i++) {
      if (segments.get(i) instanceof Region) {
        lastRegion = i;
      }
    }
    final int verifyAt = lastRegion;
    return Flux.using(
        () -> FileChannel.open(file, StandardOpenOption.READ),
        channel ->
            Flux.range(0, segments.size())
                .concatMap(
                    i ->
                        segments.get(i) instanceof Region region
                            ? region(buffers, channel, region.range(), i == verifyAt)
                            : Flux.just(buffers.wrap(((Literal) segments.get(i)).bytes()))),
        FileBody::closeQuietly);
  }

  private Flux<DataBuffer> region(
      DataBufferFactory buffers, FileChannel channel, ByteRange range, boolean verifyAtEnd) {
    return Flux.generate(
        range::first,
        (Long position, SynchronousSink<DataBuffer> sink) -> {
          long left = range.last() + 1 - position;
          if (left <= 0) {
            sink.complete();
            return position;
          }
          ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(CHUNK, left));
          read(channel, chunk, position);
          if (verifyAtEnd && left == chunk.capacity()) {
            verify();
          }
          chunk.flip();
          bytesSent.accept(chunk.remaining());
          sink.next(buffers.wrap(chunk));
          return position + chunk.capacity();
        });
  }

  private void read(FileChannel channel, ByteBuffer into, long position) {
    try {
      while (into.hasRemaining()) {
        int n = channel.read(into, position + into.position());
        if (n < 0) {
          throw new FileChangedException(name); // truncated under us
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void verify() {
    try {
      if (!FileVersion.of(file).equals(version)) {
        throw new FileChangedException(name);
      }
    } catch (IOException e) {
      throw new FileChangedException(name);
    }
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // read-only channel: nothing to lose
    }
  }
}
