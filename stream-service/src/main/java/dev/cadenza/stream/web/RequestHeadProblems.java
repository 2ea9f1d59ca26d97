package dev.cadenza.stream.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.reactor.netty.autoconfigure.NettyServerProperties;
import org.springframework.boot.web.server.autoconfigure.ServerProperties;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.ErrorResponseException;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * Problems with a request's head that are found before any route runs, answered as problems like
 * every other error. Reactor Netty answers a request line or header section too long for its
 * decoder (414, 431) or one it cannot parse (400), and Spring a target that is not a URI (400),
 * with an empty body; here such an answer gets its problem body on the way out, naming the cause.
 * Also here: an HTTP/1.1 request without {@code Host}, or any with several or a malformed one, is a
 * 400 (RFC 9112 section 3.2), answered the same way, before any route sees it.
 *
 * <p>The handler sits right after the HTTP codec. Per request it remembers the request until its
 * answer is written (pipelined requests are answered in order), and looks at the answer's status:
 * nothing is allocated for a request that succeeds.
 */
// a reactive web server only: contexts without one (start-up checks) have no Netty properties
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.REACTIVE)
@Component
public class RequestHeadProblems implements NettyServerCustomizer {

  static final String HANDLER = "cadenza.requestHeadProblems";

  /** Reactor Netty's default when {@code server.netty.max-initial-line-length} is not set. */
  private static final int NETTY_DEFAULT_INITIAL_LINE = 4096;

  /** What Netty's decoder puts in place of a request line it could not read. */
  private static final String UNREADABLE_TARGET = "/bad-request";

  private final JsonMapper json;
  private final int maxInitialLine;
  private final int maxHeaders;
  private final MeterRegistry meters;

  public RequestHeadProblems(
      JsonMapper json, NettyServerProperties netty, ServerProperties server, MeterRegistry meters) {
    this.json = json;
    this.maxInitialLine = bytes(netty.getMaxInitialLineLength(), NETTY_DEFAULT_INITIAL_LINE);
    this.maxHeaders = bytes(server.getMaxHttpRequestHeaderSize(), 8192);
    this.meters = meters;
  }

  private static int bytes(DataSize size, int otherwise) {
    return size == null ? otherwise : (int) size.toBytes();
  }

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit(
        (observer, channel, remote) -> {
          ChannelPipeline pipeline = channel.pipeline();
          if (pipeline.get(HANDLER) == null && pipeline.get(NettyPipeline.HttpCodec) != null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Handler(this));
          }
        });
  }

  /** Why the request's {@code Host} is not acceptable, or null when it is. */
  static String hostProblem(HttpRequest request) {
    // the CharSequence iterator: the String one allocates per request, this one does not once
    // compiled (escape analysis)
    Iterator<? extends CharSequence> hosts =
        request.headers().valueCharSequenceIterator(HttpHeaderNames.HOST);
    if (!hosts.hasNext()) {
      return request.protocolVersion().equals(HttpVersion.HTTP_1_0)
          ? null
          : "An HTTP/1.1 request must have a Host header (RFC 9112 section 3.2).";
    }
    CharSequence host = hosts.next();
    if (hosts.hasNext()) {
      return "The request has more than one Host header (RFC 9112 section 3.2).";
    }
    return validHost(host)
        ? null
        : "The Host header is not a host name or address with an optional port: '"
            + HttpProblems.clip(host.toString())
            + "'.";
  }

  /** {@code uri-host [ ":" port ]} of RFC 3986, checked by character class. */
  static boolean validHost(CharSequence host) {
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** The problem for an error answer {@code status} that has no body, to {@code request}. */
  ErrorResponseException problem(int status, HttpRequest request) {
    Throwable cause = request == null ? null : request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      return HttpProblems.uriTooLong(maxInitialLine);
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return HttpProblems.headersTooLarge(maxHeaders);
    }
    if (cause instanceof InvalidHost) {
      return HttpProblems.badRequest(cause.getMessage());
    }
    if (cause != null) {
      return HttpProblems.badRequest(
          "The request is not well-formed HTTP/1.1: " + HttpProblems.clip(cause.getMessage()));
    }
    if (status == 400 && request != null) {
      return HttpProblems.badRequest(targetProblem(request.uri()));
    }
    if (status == 404 && request != null) {
      return HttpProblems.routeNotFound(request.method().name(), path(request.uri()));
    }
    HttpStatus known = HttpStatus.resolve(status);
    return known == null
        ? HttpProblems.internalError()
        : HttpProblems.ofStatus(known, "The request cannot be served as sent.");
  }

  /** What is wrong with a request target that Reactor Netty or Spring refused. */
  static String targetProblem(String target) {
    try {
      new URI(target);
    } catch (URISyntaxException e) {
      return "The request target is not a valid URI (RFC 3986): "
          + HttpProblems.clip(e.getReason())
          + " at index "
          + e.getIndex()
          + "; percent-encode such characters.";
    }
    try {
      QueryStringDecoder.decodeComponent(target, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "The request target has a malformed percent-encoding: "
          + HttpProblems.clip(e.getMessage())
          + ".";
    }
    return "The request cannot be served as sent.";
  }

  private static String path(String target) {
    int query = target.indexOf('?');
    return query < 0 ? target : target.substring(0, query);
  }

  /** The target whose path becomes the problem's instance; null when none could be read. */
  private static String instance(HttpRequest request) {
    if (request == null) {
      return null;
    }
    boolean unreadableLine =
        request.decoderResult().cause() instanceof TooLongHttpLineException
            || (request.decoderResult().isFailure() && UNREADABLE_TARGET.equals(request.uri()));
    return unreadableLine ? null : request.uri();
  }

  private void count(int status) {
    Counter.builder("cadenza.http.malformed")
        .description("Requests refused before any route: a malformed or oversized head")
        .tag("status", Integer.toString(status))
        .register(meters)
        .increment();
  }

  /** A {@code Host} RFC 9112 does not allow: the request fails as if it could not be decoded. */
  static final class InvalidHost extends IllegalArgumentException {
    InvalidHost(String message) {
      super(message, null);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this; // a client's mistake, not a place in the code
    }
  }

  /** Per connection: checks each request's Host, and gives bodiless error answers a problem. */
  static final class Handler extends ChannelDuplexHandler {

    private final RequestHeadProblems problems;

    /** Requests read whose answers have not been written yet, oldest first. */
    private final ArrayDeque<HttpRequest> unanswered = new ArrayDeque<>(4);

    /** The problem body to send in place of the empty one that follows a rewritten head. */
    private byte[] body;

    Handler(RequestHeadProblems problems) {
      this.problems = problems;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest request) {
        if (request.decoderResult().isSuccess()) {
          String invalid = hostProblem(request);
          if (invalid != null) {
            // Reactor Netty then answers 400 and closes, as for any request it cannot decode
            request.setDecoderResult(DecoderResult.failure(new InvalidHost(invalid)));
          }
        }
        unanswered.offer(request);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse response
          && response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        HttpRequest request = unanswered.poll();
        int status = response.status().code();
        if (status >= 400 && bodiless(response)) {
          ctx.write(withProblem(response, request), promise);
          return;
        }
      } else if (body != null && msg instanceof LastHttpContent last) {
        byte[] b = body;
        body = null;
        ReferenceCountUtil.release(last);
        ctx.write(new DefaultLastHttpContent(Unpooled.wrappedBuffer(b)), promise);
        return;
      }
      ctx.write(msg, promise);
    }

    private static boolean bodiless(HttpResponse response) {
      HttpHeaders headers = response.headers();
      if (headers.contains(HttpHeaderNames.CONTENT_TYPE)) {
        return false;
      }
      if (response instanceof FullHttpResponse full) {
        return full.content().readableBytes() == 0;
      }
      return "0".equals(headers.get(HttpHeaderNames.CONTENT_LENGTH));
    }

    private HttpResponse withProblem(HttpResponse response, HttpRequest request) {
      int status = response.status().code();
      problems.count(status);
      ErrorResponseException problem = problems.problem(status, request);
      byte[] bytes = ProblemJson.bytes(problems.json, problem, instance(request));
      HttpHeaders headers = response.headers();
      problem.getHeaders().forEach((name, values) -> headers.set(name, String.join(", ", values)));
      headers.set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json");
      headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
      headers.setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
      if (request != null && HttpMethod.HEAD.equals(request.method())) {
        return response; // the head alone, as for any HEAD
      }
      if (response instanceof FullHttpResponse full) {
        FullHttpResponse replaced = full.replace(Unpooled.wrappedBuffer(bytes));
        full.release();
        return replaced;
      }
      body = bytes; // the empty body follows: sent in its place
      return response;
    }
  }
}
