package dev.cadenza.stream.web;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;

/**
 * Connections close between responses, never in the middle of one, and a stopping service lets
 * every response it has begun go out whole.
 *
 * <p>Reactor Netty's (1.3) graceful shutdown waits for the requests it sees in progress and closes,
 * from its own thread, the connections it finds idle; then the event loops stop and drop every
 * connection still open, with whatever is still queued. A response was cut short in three ways: it
 * counts as done when its last write is queued, not when the bytes have left (a listener reading
 * slower than the service writes), so its close dropped the rest; a keep-alive connection found
 * idle had received its next request by the time the close ran on its event loop; and a connection
 * the shutdown did not close took new requests until the event loops stopped. Seen in a rolling
 * update under load as a two-chunk track missing its last 44 bytes.
 *
 * <p>So here a close asked for while a response is being written waits until its last byte has gone
 * out; and, as a lifecycle step right after the graceful shutdown, every connection is closed that
 * way, new requests on them are not started (the connection closes without an answer, which a
 * client may retry on a new one), and the step waits for the closes. A listener that has stopped
 * reading holds its connection at most {@link #LIMIT}.
 */
@Component
public class CloseBetweenResponses implements NettyServerCustomizer, SmartLifecycle {

  private static final Logger log = LoggerFactory.getLogger(CloseBetweenResponses.class);

  /** The longest a close waits for the response in progress. */
  static final Duration LIMIT = Duration.ofSeconds(10);

  static final String HANDLER = "cadenza.closeBetweenResponses";

  private final ChannelGroup connections =
      new DefaultChannelGroup("cadenza-http", GlobalEventExecutor.INSTANCE);
  private volatile boolean running;
  private volatile boolean stopping;

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnConnection(
        c -> {
          ChannelPipeline pipeline = c.channel().pipeline();
          // right after the HTTP codec: it sees requests and responses as HTTP messages
          if (pipeline.get(HANDLER) == null && pipeline.get(NettyPipeline.HttpCodec) != null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Handler(LIMIT, () -> stopping));
            connections.add(c.channel());
          }
        });
  }

  @Override
  public void start() {
    stopping = false;
    running = true;
  }

  /** Closes every connection once its response in progress has gone out, at most {@link #LIMIT}. */
  @Override
  public void stop() {
    stopping = true;
    running = false;
    if (!connections.close().awaitUninterruptibly(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
      log.info(
          "Stopped with {} connection(s) still sending a response after {}",
          connections.size(),
          LIMIT);
    }
  }

  @Override
  public boolean isRunning() {
    return running;
  }

  /** Right after the web server's graceful shutdown, before the event loops stop. */
  @Override
  public int getPhase() {
    return WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE - 1;
  }

  /**
   * Holds a close until the response in progress has been written, at most {@code limit}; once
   * closing or {@code stopping}, starts no new request.
   */
  static final class Handler extends ChannelDuplexHandler {

    private final Duration limit;
    private final BooleanSupplier stopping;

    /** Requests read whose responses have not all gone out (more than one when pipelined). */
    private int responding;

    private ChannelPromise closing;

    Handler(Duration limit, BooleanSupplier stopping) {
      this.limit = limit;
      this.stopping = stopping;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest && (closing != null || stopping.getAsBoolean())) {
        ReferenceCountUtil.release(msg);
        ctx.channel().close();
        return;
      }
      if (msg instanceof HttpRequest) {
        responding++;
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof LastHttpContent) {
        ChannelPromise written = promise.unvoid();
        written.addListener(
            f -> {
              responding = Math.max(0, responding - 1);
              closeIfAsked(ctx);
            });
        ctx.write(msg, written);
        return;
      }
      ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
      if (closing != null) {
        closing.addListener(f -> promise.trySuccess());
        return;
      }
      if (responding == 0 || !ctx.channel().isActive()) {
        ctx.close(promise);
        return;
      }
      closing = promise.unvoid();
      ScheduledFuture<?> giveUp =
          ctx.executor().schedule(() -> closeIfAsked(ctx), limit.toMillis(), TimeUnit.MILLISECONDS);
      closing.addListener(f -> giveUp.cancel(false));
    }

    private void closeIfAsked(ChannelHandlerContext ctx) {
      if (closing != null && !closing.isDone()) {
        ctx.close(closing);
      }
    }
  }
}
