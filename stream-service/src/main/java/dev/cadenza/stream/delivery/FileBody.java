package dev.cadenza.stream.delivery;

import dev.cadenza.stream.library.FileChangedException;
import dev.cadenza.stream.library.FileVersion;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SynchronousSink;
import reactor.netty.NettyOutbound;

/**
 * Writes byte ranges of a file as a response body, in memory independent of the file size, and
 * never completes a response whose bytes could mix two versions of the file: the file's version
 * ({@link FileVersion}), read by the caller as it announced it, is checked again before the last
 * bytes go out, and a change aborts the response instead.
 *
 * <p>A single range up to {@link #SMALL} bytes is read into memory, checked and sent. A longer one
 * goes out zero-copy (sendfile) in two regions: all but the last {@link #TAIL} bytes, then the
 * check, then the tail. A write that lands while the tail itself is in flight is the one case this
 * cannot catch (docs/streaming.md). Multipart bodies are read in {@link #CHUNK}-byte pooled buffers
 * and checked before the last one, which closes even that gap.
 */
final class FileBody {

  /**
   * Bodies up to this size are read into one pooled buffer and go out with the headers in a single
   * write: for short responses the extra system calls and packets of a file transfer cost more than
   * the copy. It also bounds the memory one response can hold.
   */
  static final int SMALL = 256 * 1024;

  static final int TAIL = 64 * 1024;
  static final int CHUNK = 64 * 1024;

  /** A piece of a body: literal bytes (multipart headers) or a range of the file. */
  sealed interface Segment permits Literal, Region {
    long length();
  }

  record Literal(byte[] bytes) implements Segment {
    @Override
    public long length() {
      return bytes.length;
    }
  }

  record Region(ByteRange range) implements Segment {
    @Override
    public long length() {
      return range.length();
    }
  }

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

  /**
   * Writes {@code segments} of the file whose version the caller has just read ({@code stat}) to
   * announce it. No second look before the first bytes: the check before the last bytes compares
   * with that same version, and the change time that any write moves cannot go back, so a change at
   * any moment since is caught there (a {@code stat} walks the whole path: a tenth of a short
   * response's cost).
   */
  Mono<Void> write(NettyOutbound out, List<Segment> segments) {
    return Mono.defer(() -> send(out, segments));
  }

  private Mono<Void> send(NettyOutbound out, List<Segment> segments) {
    if (segments.size() == 1 && segments.get(0) instanceof Region region) {
      ByteRange range = region.range();
      if (range.length() <= SMALL) {
        // hidden: Reactor would see a Callable and write the whole response before it subscribes
        // the handler, whose subscription Reactor Netty then cancels as that of a response already
        // done, which counted every short response as a client gone (TrackStream.handle)
        return out.send(Mono.fromCallable(() -> small(out.alloc(), range)).hide()).then();
      }
      if (range.length() > TAIL) {
        long head = range.length() - TAIL;
        // Reactor Netty drops plain buffers written after a file region on the same response,
        // so the tail goes out as a second region, after the check.
        return out.sendFile(file, range.first(), head)
            .then()
            .doOnSuccess(v -> bytesSent.accept(head))
            .then(Mono.fromRunnable(this::verify))
            .then(Mono.defer(() -> out.sendFile(file, range.first() + head, TAIL).then()))
            .doOnSuccess(v -> bytesSent.accept(TAIL));
      }
    }
    return out.send(chunks(out.alloc(), segments)).then();
  }

  /** A short body read whole, checked, and sent with its headers in one write. */
  private ByteBuf small(ByteBufAllocator alloc, ByteRange range) {
    int length = (int) range.length();
    ByteBuf buf = alloc.directBuffer(length);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      read(channel, buf, range.first(), length);
      verify();
      bytesSent.accept(length);
      return buf;
    } catch (IOException e) {
      buf.release();
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      buf.release();
      throw e;
    }
  }

  private Flux<ByteBuf> chunks(ByteBufAllocator alloc, List<Segment> segments) {
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
                            ? region(alloc, channel, region.range(), i == verifyAt)
                            : Flux.just(
                                Unpooled.wrappedBuffer(((Literal) segments.get(i)).bytes()))),
        FileBody::closeQuietly);
  }

  private Flux<ByteBuf> region(
      ByteBufAllocator alloc, FileChannel channel, ByteRange range, boolean verifyAtEnd) {
    return Flux.generate(
        range::first,
        (Long position, SynchronousSink<ByteBuf> sink) -> {
          long left = range.last() + 1 - position;
          if (left <= 0) {
            sink.complete();
            return position;
          }
          int length = (int) Math.min(CHUNK, left);
          ByteBuf chunk = alloc.directBuffer(length);
          try {
            read(channel, chunk, position, length);
            if (verifyAtEnd && left == length) {
              verify();
            }
          } catch (RuntimeException e) {
            chunk.release();
            throw e;
          }
          bytesSent.accept(length);
          sink.next(chunk);
          return position + length;
        });
  }

  private void read(FileChannel channel, ByteBuf into, long position, int length) {
    try {
      while (into.readableBytes() < length) {
        int n =
            into.writeBytes(
                channel, position + into.readableBytes(), length - into.readableBytes());
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
