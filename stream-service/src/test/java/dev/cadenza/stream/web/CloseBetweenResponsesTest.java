package dev.cadenza.stream.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real Netty HTTP server with small socket buffers, whose connections are closed the way Reactor
 * Netty's graceful shutdown closes them: from outside the response, while it is still queued, or
 * just as a request has come in. The client reads only after the close was asked for.
 */
class CloseBetweenResponsesTest {

  static final int BODY = 4 * 1024 * 1024;

  final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  final CompletableFuture<Channel> accepted = new CompletableFuture<>();
  volatile boolean stopping;

  @AfterEach
  void stop() throws Exception {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
  }

  @Test
  void aResponseStillQueuedWhenTheCloseComesGoesOutWhole() throws Exception {
    int port = server(true, Duration.ofSeconds(10), false);
    assertThat(bodyBytes(port)).isEqualTo(BODY);
  }

  @Test
  void withoutItNettysCloseDropsWhatIsStillQueued() throws Exception {
    int port = server(false, Duration.ofSeconds(10), false);
    assertThat(bodyBytes(port)).isLessThan(BODY);
  }

  @Test
  void aCloseThatComesAsARequestArrivesWaitsForItsResponse() throws Exception {
    int port = server(true, Duration.ofSeconds(10), true);
    assertThat(bodyBytes(port)).isEqualTo(BODY);
  }

  @Test
  void onceStoppingARequestIsNotStartedAndItsConnectionClosesWithoutAnAnswer() throws Exception {
    stopping = true;
    int port = server(true, Duration.ofSeconds(10), false);
    try (Socket client = connect(port)) {
      request(client);
      assertThat(client.getInputStream().read()).isEqualTo(-1);
    }
    assertThat(accepted).isNotDone(); // the responder never saw the request
  }

  @Test
  void aListenerThatReadsNothingHoldsTheConnectionOnlyUntilTheLimit() throws Exception {
    int port = server(true, Duration.ofMillis(200), false);
    try (Socket client = connect(port)) {
      request(client);
      Channel channel = accepted.get(5, TimeUnit.SECONDS);
      assertThat(channel.closeFuture().await(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Sends one request, waits until the server has asked to close, then reads to the end. */
  private int bodyBytes(int port) throws Exception {
    try (Socket client = connect(port)) {
      request(client);
      Channel channel = accepted.get(5, TimeUnit.SECONDS);
      channel.eventLoop().submit(() -> {}).await(5, TimeUnit.SECONDS);
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      InputStream in = client.getInputStream();
      byte[] buffer = new byte[64 * 1024];
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          received.write(buffer, 0, n);
        }
      } catch (SocketException reset) {
        // a close that dropped queued bytes may end in a reset
      }
      String text = received.toString(StandardCharsets.ISO_8859_1);
      int head = text.indexOf("\r\n\r\n");
      return head < 0 ? 0 : text.length() - head - 4;
    }
  }

  private static Socket connect(int port) throws Exception {
    Socket client = new Socket();
    client.setReceiveBufferSize(8 * 1024);
    client.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    return client;
  }

  private static void request(Socket client) throws Exception {
    client
        .getOutputStream()
        .write("GET / HTTP/1.1\r\nHost: test\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    client.getOutputStream().flush();
  }

  /**
   * A server answering each request with {@link #BODY} bytes and asking to close the connection:
   * right after queueing the response, or ({@code closeFirst}) as the request arrives, before the
   * response is written.
   */
  private int server(boolean closeBetweenResponses, Duration limit, boolean closeFirst)
      throws InterruptedException {
    return ((InetSocketAddress)
            new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.SO_SNDBUF, 8 * 1024)
                .childHandler(
                    new ChannelInitializer<SocketChannel>() {
                      @Override
                      protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec());
                        if (closeBetweenResponses) {
                          ch.pipeline()
                              .addLast(new CloseBetweenResponses.Handler(limit, () -> stopping));
                        }
                        ch.pipeline().addLast(new Responder(closeFirst));
                      }
                    })
                .bind(InetAddress.getLoopbackAddress(), 0)
                .sync()
                .channel()
                .localAddress())
        .getPort();
  }

  private final class Responder extends ChannelInboundHandlerAdapter {
    private final boolean closeFirst;

    Responder(boolean closeFirst) {
      this.closeFirst = closeFirst;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      boolean request = msg instanceof HttpRequest;
      ReferenceCountUtil.release(msg);
      if (!request) {
        return;
      }
      if (closeFirst) {
        ctx.channel().close();
        ctx.executor().schedule(() -> respond(ctx), 50, TimeUnit.MILLISECONDS);
      } else {
        respond(ctx);
        ctx.channel().close();
      }
      accepted.complete(ctx.channel());
    }

    private void respond(ChannelHandlerContext ctx) {
      HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
      head.headers().set(HttpHeaderNames.CONTENT_LENGTH, BODY);
      ctx.write(head);
      ctx.write(Unpooled.wrappedBuffer(new byte[BODY]));
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    }
  }
}
