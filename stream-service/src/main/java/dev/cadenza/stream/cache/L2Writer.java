package dev.cadenza.stream.cache;

import dev.cadenza.stream.dynamodb.TableBreaker;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes chunks read from the origin to L2 in the background, through a bounded queue, with a
 * bounded number of writes in flight. A listener never waits for it: when the queue is full, or the
 * breaker is open, the chunk is dropped and counted (another pod, or a later request, writes it).
 */
final class L2Writer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(L2Writer.class);

  /**
   * @param written completed with whether the chunk reached L2 (dropped or failed: false), or null
   *     when nobody waits for it
   */
  private record Pending(ChunkKey key, byte[] bytes, CompletableFuture<Boolean> written) {

    void done(boolean ok) {
      if (written != null) {
        written.complete(ok);
      }
    }
  }

  private final L2Chunks l2;
  private final TableBreaker breaker;
  private final CacheMetrics metrics;
  private final BlockingQueue<Pending> queue;
  private final Semaphore inFlight;
  private final int concurrency;
  private final Thread thread;
  private volatile boolean closed;

  L2Writer(L2Chunks l2, TableBreaker breaker, CacheMetrics metrics, int capacity, int concurrency) {
    this.l2 = l2;
    this.breaker = breaker;
    this.metrics = metrics;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.concurrency = concurrency;
    this.inFlight = new Semaphore(concurrency);
    this.thread = new Thread(this::run, "cadenza-l2-writer");
    thread.setDaemon(true);
    thread.start();
    metrics.writeQueue(queue::size);
  }

  /** Queues a chunk for L2; never blocks. */
  void offer(ChunkKey key, byte[] bytes) {
    offer(key, bytes, null);
  }

  /**
   * Queues a chunk for L2, never blocking; {@code written} (when not null) is completed with
   * whether it was written.
   */
  void offer(ChunkKey key, byte[] bytes, CompletableFuture<Boolean> written) {
    Pending p = new Pending(key, bytes, written);
    if (closed || !breaker.closed()) {
      metrics.writeDropped("breaker_open");
      p.done(false);
    } else if (!queue.offer(p)) {
      metrics.writeDropped("queue_full");
      p.done(false);
    }
  }

  /** Whether nothing is queued or being written: for tests. */
  boolean idle() {
    return queue.isEmpty() && inFlight.availablePermits() == concurrency;
  }

  private void run() {
    while (!closed) {
      Pending next;
      try {
        next = queue.poll(1, TimeUnit.SECONDS);
        if (next == null) {
          continue;
        }
        inFlight.acquire();
      } catch (InterruptedException e) {
        return;
      }
      write(next, inFlight::release);
    }
  }

  private void write(Pending p, Runnable done) {
    if (!breaker.tryAcquire()) {
      metrics.writeDropped("breaker_open");
      p.done(false);
      done.run();
      return;
    }
    long start = System.nanoTime();
    breaker
        .call(() -> l2.put(p.key(), p.bytes()))
        .whenComplete(
            (v, e) -> {
              if (e == null) {
                metrics.writeDone(p.bytes().length, System.nanoTime() - start);
                p.done(true);
              } else {
                metrics.writeFailed();
                log.debug("L2 write of {} failed: {}", p.key(), e.toString());
                p.done(false);
              }
              done.run();
            });
  }

  /** Stops taking new writes; those queued are dropped. */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
    Pending p;
    while ((p = queue.poll()) != null) {
      p.done(false);
    }
  }
}
