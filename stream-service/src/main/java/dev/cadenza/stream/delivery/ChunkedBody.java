package dev.cadenza.stream.delivery;

import dev.cadenza.stream.cache.ChunkCache;
import dev.cadenza.stream.cache.ChunkSource;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.NettyOutbound;

/**
 * Writes byte ranges of a track as a response body assembled from cache chunks ({@link
 * ChunkCache}): each range becomes the slices of the chunks it spans, in order, byte-exact. Every
 * chunk belongs to the version the response headers announce (the version is part of the chunk's
 * key), so the body is always one version; a chunk that must come from a file that has changed
 * since fails the response, which is then cut short as {@link FileBody} does.
 *
 * <p>Memory per response is bounded by the read-ahead window: chunks are requested one after the
 * other as the connection takes them, and the next {@code cadenza.cache.read-ahead} are fetched
 * ahead into the cache.
 */
public final class ChunkedBody {

  /**
   * Ranges of up to this many chunks that are all in L1 go out in one write (64 MiB at 256 KiB):
   * they are in memory anyway, so holding views of them costs nothing.
   */
  static final int MAX_HOT_CHUNKS = 256;

  private final ChunkCache cache;
  private final ChunkSource track;
  private final LongConsumer bytesSent;

  /**
   * @param track the chunks' source: a track's file, or a variant made from it
   * @param bytesSent told the length of each piece as it goes out
   */
  public ChunkedBody(ChunkCache cache, ChunkSource track, LongConsumer bytesSent) {
    this.cache = cache;
    this.track = track;
    this.bytesSent = bytesSent;
  }

  public Mono<Void> write(NettyOutbound out, List<FileBody.Segment> segments) {
    if (segments.size() == 1 && segments.get(0) instanceof FileBody.Region region) {
      ByteRange range = region.range();
      if (cache.indexOf(range.first()) == cache.indexOf(range.last())) {
        // one chunk: the body goes out with the headers in a single write
        return out.send(slice(cache.indexOf(range.first()), range)).then();
      }
      List<ByteBuf> hot = allLoaded(range);
      if (hot != null) {
        // every chunk is in memory already: one write of all of them, no per-chunk round trips
        return out.send(Flux.fromIterable(hot)).then();
      }
    }
    // One write per piece, each waiting until the connection has taken the previous one: a slow
    // listener holds one chunk, not the whole response (a plain send() would prefetch 128). Each
    // piece is sent as a Flux: Reactor Netty turns a Mono sent first into a complete response.
    return Flux.fromIterable(segments).concatMap(segment -> segment(out, segment), 1).then();
  }

  private Flux<Void> segment(NettyOutbound out, FileBody.Segment segment) {
    if (segment instanceof FileBody.Literal literal) {
      return out.send(Flux.just(Unpooled.wrappedBuffer(literal.bytes()))).then().flux();
    }
    ByteRange range = ((FileBody.Region) segment).range();
    int first = cache.indexOf(range.first());
    int last = cache.indexOf(range.last());
    int window = cache.readAheadChunks();
    return Flux.range(first, last - first + 1)
        .concatMap(
            index -> {
              if (window > 0) {
                cache.readAhead(track, index + 1, Math.min(last, index + window));
              }
              return out.send(slice(index, range).flux()).then();
            },
            1);
  }

  /** Slices of every chunk of the range when all are loaded in L1, else {@code null}. */
  private List<ByteBuf> allLoaded(ByteRange range) {
    int first = cache.indexOf(range.first());
    int last = cache.indexOf(range.last());
    if (last - first >= MAX_HOT_CHUNKS) {
      return null;
    }
    List<byte[]> chunks = new ArrayList<>(last - first + 1);
    for (int index = first; index <= last; index++) {
      byte[] bytes = cache.getIfLoaded(track, index);
      if (bytes == null) {
        return null;
      }
      chunks.add(bytes);
    }
    cache.countL1Hits(chunks);
    List<ByteBuf> slices = new ArrayList<>(chunks.size());
    for (int i = 0; i < chunks.size(); i++) {
      slices.add(slice(first + i, chunks.get(i), range));
    }
    return slices;
  }

  private ByteBuf slice(int index, byte[] bytes, ByteRange range) {
    long chunkStart = (long) index * cache.chunkSize();
    int from = (int) Math.max(0, range.first() - chunkStart);
    int to = (int) Math.min(bytes.length, range.last() + 1 - chunkStart);
    bytesSent.accept(to - from);
    return Unpooled.wrappedBuffer(bytes, from, to - from);
  }

  /** The part of chunk {@code index} that lies in {@code range}. */
  private Mono<ByteBuf> slice(int index, ByteRange range) {
    return Mono.fromFuture(() -> cache.get(track, index), true)
        .map(bytes -> slice(index, bytes, range));
  }
}
