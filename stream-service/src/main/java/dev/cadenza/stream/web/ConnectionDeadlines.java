package dev.cadenza.stream.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The deadlines of one HTTP/1.1 connection, kept by two handlers: {@link #bytes} before the HTTP
 * codec (it sees every byte read) and {@link #messages} after it (it sees requests decoded and
 * responses written). Everything runs on the connection's event loop.
 *
 * <ul>
 *   <li><b>Request head</b>: the request line and headers must arrive whole within {@code
 *       headTimeout} of connecting, or of the first byte of a later request. A total, not a bound
 *       between reads: a head sent one byte a second is cut like a silent connection. A client that
 *       sent part of a head gets a 408 problem before the close; a silent connection is closed
 *       without one (a 408 there could pass for the answer to a request just being sent).
 *   <li><b>Idle</b>: between requests (the last response written, nothing of the next one read) a
 *       connection is closed after {@code idleTimeout}, without an answer.
 *   <li>While a response is being written nothing expires: a slow reader of a long download, an
 *       event stream. A head deadline that passes meanwhile (a pipelined request) is enforced when
 *       the response has gone out.
 * </ul>
 */
final class ConnectionDeadlines {

  /** Which deadline closed a connection; {@link #tag} names it in the metric. */
  enum Deadline {
    REQUEST_HEAD("request-head"),
    IDLE("idle");

    final String tag;

    Deadline(String tag) {
      this.tag = tag;
    }
  }

  private enum Phase {
    /** Nothing read yet: the head deadline runs from the connection. */
    CONNECTED,
    /** Bytes of a request head have arrived, the head is not whole yet. */
    HEAD,
    /** A request head was decoded: its body, its response or both are under way. */
    REQUEST,
    /** Between requests: every response written, nothing of the next request read. */
    IDLE,
    /** A deadline closed the connection. */
    EXPIRED
  }

  private final Duration headTimeout;
  private final Duration idleTimeout;
  private final byte[] timeoutProblem;
  private final Consumer<Deadline> expired;

  final ChannelHandler bytes = new Bytes();
  final ChannelHandler messages = new Messages();

  private ChannelHandlerContext ctx;
  private Phase phase = Phase.CONNECTED;

  /** Whether the last request decoded has been read to its end (body included). */
  private boolean requestRead;

  /** Requests decoded whose responses have not all been written (more than one when pipelined). */
  private int responding;

  /** The head deadline passed while a response was being written. */
  private boolean headOverdue;

  /** What happens at {@link #deadline}, or {@code null} when no deadline is pending. */
  private Runnable onDeadline;

  private long deadline;

  /** The timer scheduled (at {@link #timerAt}), or {@code null}. */
  private ScheduledFuture<?> timer;

  private long timerAt;

  /**
   * @param timeoutProblem the body of the 408 (problem JSON)
   * @param expired told of each connection a deadline closes
   */
  ConnectionDeadlines(
      Duration headTimeout,
      Duration idleTimeout,
      byte[] timeoutProblem,
      Consumer<Deadline> expired) {
    this.headTimeout = headTimeout;
    this.idleTimeout = idleTimeout;
    this.timeoutProblem = timeoutProblem;
    this.expired = expired;
  }

  private void bytesRead() {
    switch (phase) {
      case CONNECTED -> phase = Phase.HEAD; // the deadline from the connection runs on
      case IDLE -> startHead();
      case REQUEST -> {
        if (requestRead) {
          startHead(); // a pipelined request, its response (or the previous one) under way
        }
      }
      default -> {
        // HEAD: the deadline runs; EXPIRED: closing
      }
    }
  }

  private void startHead() {
    phase = Phase.HEAD;
    headOverdue = false;
    schedule(headTimeout, this::headExpired);
  }

  private void requestDecoded() {
    cancel();
    phase = Phase.REQUEST;
    requestRead = false;
    headOverdue = false;
    responding++;
  }

  private void responseWritten() {
    responding = Math.max(0, responding - 1);
    if (responding > 0 || phase == Phase.EXPIRED) {
      return;
    }
    if (phase == Phase.HEAD) {
      if (headOverdue) {
        expire(Deadline.REQUEST_HEAD);
      }
      return;
    }
    phase = Phase.IDLE;
    schedule(idleTimeout, this::idleExpired);
  }

  private void headExpired() {
    if (phase != Phase.CONNECTED && phase != Phase.HEAD) {
      return;
    }
    if (responding > 0) {
      headOverdue = true;
      return;
    }
    expire(Deadline.REQUEST_HEAD);
  }

  private void idleExpired() {
    if (phase == Phase.IDLE && responding == 0) {
      expire(Deadline.IDLE);
    }
  }

  private void expire(Deadline deadline) {
    boolean partHead = phase == Phase.HEAD;
    phase = Phase.EXPIRED;
    cancel();
    expired.accept(deadline);
    if (deadline == Deadline.REQUEST_HEAD && partHead) {
      ctx.writeAndFlush(timeoutResponse()).addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  private FullHttpResponse timeoutResponse() {
    FullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.REQUEST_TIMEOUT,
            Unpooled.wrappedBuffer(timeoutProblem));
    r.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
        .setInt(HttpHeaderNames.CONTENT_LENGTH, timeoutProblem.length)
        .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return r;
  }

  /**
   * Sets the one deadline pending. The timer is lazy, as in Netty's IdleStateHandler: a timer that
   * fires before the deadline arms itself again for the rest, so a kept-alive connection moving
   * between requests only writes these fields; a timer is scheduled only when none is pending or
   * the new deadline comes before it (a head deadline after a long idle one).
   */
  private void schedule(Duration delay, Runnable task) {
    deadline = System.nanoTime() + delay.toNanos();
    onDeadline = task;
    if (timer == null || timerAt - deadline > 0) {
      if (timer != null) {
        timer.cancel(false);
      }
      arm(deadline);
    }
  }

  private void arm(long at) {
    timerAt = at;
    timer = ctx.executor().schedule(this::timerFired, at - System.nanoTime(), TimeUnit.NANOSECONDS);
  }

  private void timerFired() {
    timer = null;
    Runnable task = onDeadline;
    if (task == null) {
      return; // cancelled meanwhile
    }
    if (deadline - System.nanoTime() > 0) {
      arm(deadline); // moved on meanwhile
      return;
    }
    onDeadline = null;
    task.run();
  }

  /** No deadline pending; a timer scheduled stays, and finds nothing to do when it fires. */
  private void cancel() {
    onDeadline = null;
  }

  /** Before the codec: every byte read, whether or not it makes a whole message yet. */
  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (msg instanceof ByteBuf b && b.isReadable()) {
        bytesRead();
      }
      c.fireChannelRead(msg);
    }
  }

  /** After the codec: requests as they are decoded, responses as their last bytes go out. */
  private final class Messages extends ChannelDuplexHandler {

    @Override
    public void handlerAdded(ChannelHandlerContext c) {
      ctx = c;
      schedule(headTimeout, ConnectionDeadlines.this::headExpired);
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
      if (phase == Phase.EXPIRED) {
        // the codec's last word on the head it was cut off in (a failed request): Reactor Netty
        // would log it as a warning, once per connection an attacker opens
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest) {
        requestDecoded();
      }
      if (msg instanceof LastHttpContent) {
        requestRead = true;
      }
      c.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext c, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse r
          && r.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
        c.write(msg, promise); // 100 Continue: the response itself is still to come
        return;
      }
      if (msg instanceof LastHttpContent) {
        ChannelPromise written = promise.unvoid();
        written.addListener(f -> responseWritten());
        c.write(msg, written);
        return;
      }
      c.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
      cancel();
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      c.fireChannelInactive();
    }
  }
}
