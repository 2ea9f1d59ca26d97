package dev.cadenza.stream.transcode;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Flux;
import reactor.core.publisher.FluxSink;

/**
 * One ffmpeg process making one variant, and everyone who waits for its output. Its output is read
 * as fast as ffmpeg writes it, whoever listens, and kept in chunk-sized arrays until the run ends:
 * a listener who joins late starts from the first byte, and a finished run hands its chunks to the
 * cache whole. Each listener ({@link #follow}) gets the bytes as they come, at its own pace.
 *
 * <p>The run ends when ffmpeg exits, or when it is {@link #stop stopped}: ffmpeg gets SIGTERM, then
 * SIGKILL two seconds later if it is still there; its exit is always awaited, so no run leaves a
 * zombie.
 */
public final class TranscodeRun {

  /** Where a run is. */
  enum State {
    RUNNING,
    /** ffmpeg exited 0 having written something: the output is complete. */
    DONE,
    /** ffmpeg failed, or could not be read. */
    FAILED,
    /** Stopped: nobody waited for it, the service is stopping, or it ran past its timeout. */
    STOPPED
  }

  /** Bytes handed to a listener at once at most. */
  static final int PIECE = 64 * 1024;

  private static final AtomicInteger THREADS = new AtomicInteger();

  private final String name;
  private final Process process;
  private final int chunkSize;
  private final MessageDigest digest;
  private final List<byte[]> chunks = new ArrayList<>();
  private final List<Follower> followers = new ArrayList<>();
  private final CompletableFuture<TranscodeRun> ended = new CompletableFuture<>();
  private final StringBuilder errors = new StringBuilder();
  private final long startNanos = System.nanoTime();
  private byte[] current;
  private int fill;
  private volatile long produced;
  private volatile State state = State.RUNNING;
  private volatile boolean settled;
  private volatile long firstByteNanos = -1;
  private volatile String stopReason;
  private byte[] sha256;
  private final Runnable abandoned;

  /**
   * Starts reading {@code process}'s output (its stdout; its stderr is kept for the failure
   * message).
   *
   * @param name what logs and errors call the run
   * @param abandoned called, once each time, when the last listener leaves a running run
   */
  TranscodeRun(String name, Process process, int chunkSize, Runnable abandoned) {
    this.name = name;
    this.process = process;
    this.chunkSize = chunkSize;
    this.abandoned = abandoned;
    this.current = new byte[chunkSize];
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    int n = THREADS.incrementAndGet();
    daemon("cadenza-transcode-" + n, this::readOutput).start();
    daemon("cadenza-transcode-" + n + "-err", this::readErrors).start();
  }

  private static Thread daemon(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    return t;
  }

  public String name() {
    return name;
  }

  State state() {
    return state;
  }

  long produced() {
    return produced;
  }

  /**
   * Completes when the run has ended, whatever the way; with the run. What is attached before the
   * end runs before any listener is told that the output is complete.
   */
  CompletableFuture<TranscodeRun> ended() {
    return ended;
  }

  /** Nanoseconds from the start to the first output byte, or -1 before it. */
  long firstByteNanos() {
    return firstByteNanos;
  }

  long pid() {
    return process.pid();
  }

  /** The output of a run that is {@link State#DONE}, in chunks of the cache's size. */
  synchronized List<byte[]> chunks() {
    if (state != State.DONE) {
      throw new IllegalStateException(name + " is " + state);
    }
    return List.copyOf(chunks);
  }

  /** The SHA-256 of the whole output of a run that is {@link State#DONE}. */
  synchronized byte[] sha256() {
    if (state != State.DONE) {
      throw new IllegalStateException(name + " is " + state);
    }
    return sha256.clone();
  }

  /** Why it did not end {@link State#DONE}: ffmpeg's messages, or why it was stopped. */
  synchronized String failure() {
    return stopReason != null ? stopReason : errors.toString().strip();
  }

  /** How many listen now. */
  synchronized int listeners() {
    return followers.size();
  }

  /**
   * The output from its first byte, as it is made: completes at the end of a {@link State#DONE}
   * run, fails with {@link TranscodeFailedException} otherwise. Cancelling leaves the run.
   */
  public Flux<ByteBuf> follow() {
    return Flux.create(
        sink -> {
          Follower f = new Follower(sink);
          synchronized (this) {
            followers.add(f);
          }
          sink.onRequest(n -> f.drain());
          sink.onDispose(() -> leave(f));
          f.drain();
        });
  }

  private void leave(Follower f) {
    boolean last;
    synchronized (this) {
      last = followers.remove(f) && followers.isEmpty() && state == State.RUNNING;
    }
    if (last) {
      abandoned.run();
    }
  }

  /**
   * Stops ffmpeg: SIGTERM, then SIGKILL after two seconds. Listeners get {@link
   * TranscodeFailedException} with {@code reason}.
   */
  void stop(String reason) {
    synchronized (this) {
      if (state != State.RUNNING) {
        return;
      }
      stopReason = reason;
    }
    process.destroy();
    process
        .onExit()
        .orTimeout(2, TimeUnit.SECONDS)
        .exceptionally(
            timeout -> {
              process.destroyForcibly();
              return process;
            });
  }

  /** Bytes {@code [position, position + up to PIECE)} of what has been made so far. */
  private synchronized ByteBuf slice(long position, long available) {
    int index = (int) (position / chunkSize);
    int offset = (int) (position % chunkSize);
    byte[] chunk = index < chunks.size() ? chunks.get(index) : current;
    int length = (int) Math.min(Math.min(available - position, chunk.length - offset), PIECE);
    return Unpooled.wrappedBuffer(chunk, offset, length);
  }

  private void readOutput() {
    try (InputStream out = process.getInputStream()) {
      while (true) {
        int n = out.read(current, fill, chunkSize - fill);
        if (n < 0) {
          break;
        }
        if (n == 0) {
          continue;
        }
        synchronized (this) {
          digest.update(current, fill, n);
          fill += n;
          if (fill == chunkSize) {
            chunks.add(current);
            current = new byte[chunkSize];
            fill = 0;
          }
          if (firstByteNanos < 0) {
            firstByteNanos = System.nanoTime() - startNanos;
          }
          produced += n;
        }
        drainAll();
      }
      int exit = process.waitFor();
      finish(exit == 0 && produced > 0 && stopReason == null ? State.DONE : null, exit);
    } catch (IOException e) {
      // a run being stopped may find its pipe closed under a read ("Stream closed"): stopped
      boolean stopping = stopReason != null;
      if (!stopping) {
        synchronized (this) {
          errors.append("reading ffmpeg's output: ").append(e.getMessage());
        }
      }
      process.destroyForcibly();
      awaitExit();
      finish(stopping ? State.STOPPED : State.FAILED, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      finish(State.STOPPED, -1);
    }
  }

  private void awaitExit() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void finish(State outcome, int exit) {
    synchronized (this) {
      if (outcome == State.DONE) {
        if (fill > 0) {
          chunks.add(Arrays.copyOf(current, fill));
        }
        current = null;
        sha256 = digest.digest();
      } else if (outcome == null) {
        if (stopReason == null && errors.isEmpty()) {
          errors.append(produced == 0 ? "ffmpeg wrote nothing" : "ffmpeg exited with " + exit);
        }
        outcome = stopReason != null ? State.STOPPED : State.FAILED;
      }
      state = outcome;
    }
    // what waits for the end (the cache keeping a made variant) runs before any listener is told:
    // a listener's next request then finds the variant made, never this run
    ended.complete(this);
    settled = true;
    drainAll();
  }

  private void readErrors() {
    try (InputStream err = process.getErrorStream()) {
      byte[] buffer = new byte[4096];
      int n;
      while ((n = err.read(buffer)) >= 0) {
        synchronized (this) {
          // ffmpeg at -loglevel error says little; keep the start of it, bounded
          if (errors.length() < 2048) {
            errors.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      // the process is gone; its output reader reports how it ended
    }
  }

  private void drainAll() {
    List<Follower> now;
    synchronized (this) {
      now = List.copyOf(followers);
    }
    now.forEach(Follower::drain);
  }

  /** One listener: how far it has been sent, and its sink. */
  private final class Follower {
    private final FluxSink<ByteBuf> sink;
    private long sent;
    private boolean closed;

    Follower(FluxSink<ByteBuf> sink) {
      this.sink = sink;
    }

    synchronized void drain() {
      if (closed) {
        return;
      }
      State seen = settled ? state : State.RUNNING; // before produced: once ended, it is final
      long available = produced;
      while (sent < available && sink.requestedFromDownstream() > 0 && !sink.isCancelled()) {
        ByteBuf piece = slice(sent, available);
        sent += piece.readableBytes();
        sink.next(piece);
      }
      if (seen != State.RUNNING && sent == available) {
        closed = true;
        if (seen == State.DONE) {
          sink.complete();
        } else {
          sink.error(new TranscodeFailedException(name, seen, failure()));
        }
      }
    }
  }
}
