package dev.cadenza.client;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A response body read with a bound on how long one read may wait for bytes. The JDK's HttpClient
 * bounds only the wait for the response head, so a body that stalls (a peer gone without a FIN or
 * RST) would block its reader until the kernel gives up on the connection; here it ends the read
 * with an {@link HttpTimeoutException}, and the download resumes on a new connection.
 */
final class TimedBody implements Flow.Subscriber<List<ByteBuffer>>, AutoCloseable {

  private record Chunk(List<ByteBuffer> buffers) {}

  private static final Object END = new Object();

  private final BlockingQueue<Object> arrivals = new LinkedBlockingQueue<>();
  private final Duration timeout;
  private volatile Flow.Subscription subscription;
  private Iterator<ByteBuffer> pending = Collections.emptyIterator();
  private ByteBuffer current;
  private boolean ended;

  private TimedBody(Duration timeout) {
    this.timeout = timeout;
  }

  /** Subscribes to {@code body}; read it with {@link #read}. */
  static TimedBody of(Flow.Publisher<List<ByteBuffer>> body, Duration timeout) {
    TimedBody timed = new TimedBody(timeout);
    body.subscribe(timed);
    return timed;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    this.subscription = subscription;
    subscription.request(1); // one batch at a time: memory stays bounded by what the reader takes
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    arrivals.add(new Chunk(buffers));
  }

  @Override
  public void onError(Throwable failure) {
    arrivals.add(failure);
  }

  @Override
  public void onComplete() {
    arrivals.add(END);
  }

  /** Up to {@code buffer.length} bytes into {@code buffer}; -1 at the end of the body. */
  int read(byte[] buffer) throws IOException {
    while (current == null || !current.hasRemaining()) {
      if (pending.hasNext()) {
        current = pending.next();
        continue;
      }
      if (ended) {
        return -1;
      }
      Object next;
      try {
        next = arrivals.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        close();
        throw new InterruptedIOException("interrupted while reading a response body");
      }
      if (next == null) {
        close();
        throw new HttpTimeoutException("no bytes for " + timeout.toMillis() + " ms");
      }
      if (next == END) {
        ended = true;
        return -1;
      }
      if (next instanceof Throwable failure) {
        ended = true;
        throw failure instanceof IOException io ? io : new IOException(failure);
      }
      pending = ((Chunk) next).buffers().iterator();
      subscription.request(1);
    }
    int n = Math.min(buffer.length, current.remaining());
    current.get(buffer, 0, n);
    return n;
  }

  /** At most {@code max} bytes of what is left, for error bodies. */
  byte[] readAtMost(int max) throws IOException {
    byte[] all = new byte[max];
    byte[] chunk = new byte[Math.min(max, 8192)];
    int total = 0;
    int n;
    while (total < max && (n = read(chunk)) >= 0) {
      int take = Math.min(n, max - total);
      System.arraycopy(chunk, 0, all, total, take);
      total += take;
    }
    return Arrays.copyOf(all, total);
  }

  /** Gives up the rest of the body (and the connection, if the body is not complete). */
  @Override
  public void close() {
    Flow.Subscription s = subscription;
    if (s != null && !ended) {
      s.cancel();
    }
  }
}
