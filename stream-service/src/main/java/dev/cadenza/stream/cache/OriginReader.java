package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.FileChangedException;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Track;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The last tier: reads a chunk from the library file, and checks before and after that the file is
 * the version the chunk is keyed by ({@link FileVersion}: size, modification and change time,
 * inode), so a chunk can never hold bytes of another version or of two. Reads run on a small pool
 * of their own, never on the event loop.
 */
final class OriginReader implements AutoCloseable {

  private final int chunkSize;
  private final CacheMetrics metrics;
  private final ExecutorService pool;

  OriginReader(int chunkSize, CacheMetrics metrics) {
    this.chunkSize = chunkSize;
    this.metrics = metrics;
    AtomicInteger threads = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(4, 2 * Runtime.getRuntime().availableProcessors()),
            r -> {
              Thread t = new Thread(r, "cadenza-origin-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /** The pool reads run on: off the event loop, for L1's own work too. */
  Executor executor() {
    return pool;
  }

  /** Reads chunk {@code index} of the track on the pool, counted and timed. */
  CompletableFuture<byte[]> read(Track track, int index) {
    return CompletableFuture.supplyAsync(
        () -> {
          long start = System.nanoTime();
          byte[] bytes = readNow(track, index);
          metrics.origin(bytes.length, System.nanoTime() - start);
          return bytes;
        },
        pool);
  }

  /**
   * Blocking file I/O, between two checks of the file's version: before, so that a file changed
   * since the request looked is not read at all; after, so that a change during the read fails it.
   */
  private byte[] readNow(Track track, int index) {
    long position = (long) index * chunkSize;
    int length = (int) Math.min(chunkSize, track.size() - position);
    if (length <= 0) {
      throw new IllegalArgumentException(
          "chunk " + index + " is past the end of '" + track.path() + "'");
    }
    checkVersion(track);
    byte[] bytes = new byte[length];
    ByteBuffer into = ByteBuffer.wrap(bytes);
    try (FileChannel channel = FileChannel.open(track.file(), StandardOpenOption.READ)) {
      while (into.hasRemaining()) {
        if (channel.read(into, position + into.position()) < 0) {
          throw new FileChangedException(track.path()); // truncated under us
        }
      }
    } catch (NoSuchFileException e) {
      throw new FileChangedException(track.path());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    checkVersion(track);
    return bytes;
  }

  /** Fails unless the file is still the version the track (and the chunk's key) names. */
  private static void checkVersion(Track track) {
    try {
      if (!FileVersion.of(track.file()).equals(track.version())) {
        throw new FileChangedException(track.path());
      }
    } catch (IOException e) {
      throw new FileChangedException(track.path());
    }
  }

  /** Lets reads running finish; takes no new ones. */
  @Override
  public void close() {
    pool.shutdown();
  }
}
