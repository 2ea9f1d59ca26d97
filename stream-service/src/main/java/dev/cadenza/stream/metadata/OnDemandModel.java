package dev.cadenza.stream.metadata;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model resident only while there is work for it: the first {@link #acquire()} loads it, and it
 * is closed once no lease has been held for {@code idleTimeout}, so that a service at rest does not
 * keep onnxruntime's session and the tokenizer (60-70 MiB of native memory, docs/memory.md). The
 * next acquire loads it again. A lease keeps the model open: it is never closed under a run.
 *
 * <p>The release timer's thread exists only while a release is pending. Thread-safe.
 *
 * @param <M> the loaded model; closing it frees its native memory
 */
final class OnDemandModel<M extends AutoCloseable> implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(OnDemandModel.class);

  /** Loads the model; throws when it cannot be loaded, having closed what it opened. */
  @FunctionalInterface
  interface Loader<M> {
    M load() throws Exception;
  }

  private final Loader<M> loader;
  private final long idleNanos;
  private final ScheduledThreadPoolExecutor timer;

  private M model;
  private int leases;
  private long loads;
  private long acquired; // a release scheduled before the latest acquire is stale
  private ScheduledFuture<?> release;
  private boolean closed;

  /**
   * @param idleTimeout how long the model stays loaded without a lease; zero keeps it for good
   */
  OnDemandModel(Loader<M> loader, Duration idleTimeout, String threadName) {
    this.loader = loader;
    this.idleNanos = idleTimeout.toNanos();
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    // the thread ends once no release is pending; a keep-alive as long as the timeout keeps it
    // from waking up more often than that while one is
    timer.setKeepAliveTime(Math.max(idleNanos, 1), TimeUnit.NANOSECONDS);
    timer.allowCoreThreadTimeOut(true);
    timer.setRemoveOnCancelPolicy(true);
  }

  /** The model, loaded now unless it still is; close the lease when the run is done. */
  synchronized Lease acquire() throws Exception {
    if (closed) {
      throw new IllegalStateException("the model is closed");
    }
    if (release != null) {
      release.cancel(false);
      release = null;
    }
    if (model == null) {
      model = loader.load();
      loads++;
    }
    leases++;
    acquired++;
    return new Lease(model);
  }

  /** Whether the model is loaded now. */
  synchronized boolean resident() {
    return model != null;
  }

  /** How many times the model has been loaded. */
  synchronized long loads() {
    return loads;
  }

  private synchronized void returned() {
    leases--;
    if (leases > 0) {
      return;
    }
    if (closed) {
      closeModel(); // the last run after close
    } else if (idleNanos > 0) {
      long after = acquired;
      release = timer.schedule(() -> releaseIfIdle(after), idleNanos, TimeUnit.NANOSECONDS);
    }
  }

  private synchronized void releaseIfIdle(long after) {
    if (after == acquired && leases == 0 && !closed) {
      release = null;
      closeModel();
      log.debug("Model freed after {} ms without a run", idleNanos / 1_000_000);
    }
  }

  private void closeModel() {
    M m = model;
    model = null;
    if (m == null) {
      return;
    }
    try {
      m.close();
    } catch (Exception e) {
      log.debug("Closing the model: {}", e.toString());
    }
  }

  /**
   * Closes the model now, or, while a lease still holds it, when the last lease is returned (never
   * under a native run); no acquire succeeds afterwards.
   */
  @Override
  public synchronized void close() {
    closed = true;
    timer.shutdownNow();
    if (leases == 0) {
      closeModel();
    }
  }

  /** The model for one run. */
  final class Lease implements AutoCloseable {
    private final M leased;
    private boolean returned;

    private Lease(M leased) {
      this.leased = leased;
    }

    M model() {
      return leased;
    }

    @Override
    public void close() {
      synchronized (OnDemandModel.this) {
        if (!returned) {
          returned = true;
          returned();
        }
      }
    }
  }
}
