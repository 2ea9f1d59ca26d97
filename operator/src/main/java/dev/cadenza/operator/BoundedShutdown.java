package dev.cadenza.operator;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator process's stop, bounded: the stop runs on a thread of its own and, when it has not
 * finished within the timeout (a Kubernetes API server or a DynamoDB endpoint that never answers
 * can hold a reconciliation, a Lease release or a client's close), the process halts rather than
 * outlive its termination grace period. Either way one line says how the stop ended.
 */
final class BoundedShutdown {

  private static final Logger log = LoggerFactory.getLogger(BoundedShutdown.class);

  /** Exit status of a halted process (a stop that finished ends with the JVM's own, 143). */
  static final int HALTED = 1;

  /** How a stop ended. */
  enum Outcome {
    STOPPED,
    FAILED,
    HALTED
  }

  private BoundedShutdown() {}

  /**
   * Runs {@code stop}, waiting for it at most {@code timeout}; if it is still running then, runs
   * {@code halt} (which in the process is {@link Runtime#halt}).
   */
  static Outcome run(Duration timeout, Runnable stop, Runnable halt) {
    long start = System.nanoTime();
    CompletableFuture<Void> stopping = new CompletableFuture<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                stop.run();
                stopping.complete(null);
              } catch (RuntimeException | Error e) {
                stopping.completeExceptionally(e);
              }
            },
            "operator-stop-worker");
    worker.setDaemon(true); // never what keeps a halting JVM waiting
    worker.start();
    try {
      stopping.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      log.info("Cadenza operator stopped cleanly in {} ms", elapsedMillis(start));
      return Outcome.STOPPED;
    } catch (ExecutionException e) {
      log.warn(
          "Cadenza operator stopped in {} ms, not cleanly: {}",
          elapsedMillis(start),
          e.getCause().toString());
      return Outcome.FAILED;
    } catch (TimeoutException e) {
      log.warn(
          "Cadenza operator stop forced: not finished within {} ms ({}); halting",
          timeout.toMillis(),
          OperatorSettings.SHUTDOWN_TIMEOUT);
      halt.run();
      return Outcome.HALTED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn(
          "Cadenza operator stop forced: interrupted after {} ms; halting", elapsedMillis(start));
      halt.run();
      return Outcome.HALTED;
    }
  }

  private static long elapsedMillis(long start) {
    return Duration.ofNanos(System.nanoTime() - start).toMillis();
  }
}
