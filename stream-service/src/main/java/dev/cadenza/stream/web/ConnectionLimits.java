package dev.cadenza.stream.web;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.json.JsonMapper;

/**
 * What one client may hold of the HTTP server: a cap on the connections open at once from one
 * address ({@code cadenza.server.max-connections-per-client}; trusted proxies exempt, every
 * player's requests come through them), and the request-head and idle deadlines of every connection
 * ({@link ConnectionDeadlines}). Without them, 300 connections that never finished a request
 * (silent, a half-sent request line, a header byte a second) were all still open after 60 s.
 *
 * <p>A connection past the cap is closed as it is accepted, before anything is read. Meters: {@code
 * cadenza.connections.open}, {@code cadenza.connections.refused{reason=client-cap}} and {@code
 * cadenza.connections.timeouts{deadline=request-head|idle}}.
 */
@Component
public class ConnectionLimits implements NettyServerCustomizer {

  private static final Logger log = LoggerFactory.getLogger(ConnectionLimits.class);

  static final String BYTES = "cadenza.requestBytes";
  static final String DEADLINES = "cadenza.connectionDeadlines";

  private final ServerSettings settings;
  private final ClientAddress clients;
  private final byte[] timeoutProblem;
  private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
  private final AtomicInteger open = new AtomicInteger();
  private final Counter refused;
  private final Map<ConnectionDeadlines.Deadline, Counter> timeouts =
      new EnumMap<>(ConnectionDeadlines.Deadline.class);
  private final RefusalLog refusals = new RefusalLog();

  public ConnectionLimits(
      ServerSettings settings, ClientAddress clients, JsonMapper json, MeterRegistry meters) {
    this.settings = settings;
    this.clients = clients;
    this.timeoutProblem =
        ProblemJson.bytes(json, Problems.requestHeadTimeout(settings.requestHeadTimeout()), null);
    Gauge.builder("cadenza.connections.open", open, AtomicInteger::get)
        .description("HTTP connections open on the API port")
        .register(meters);
    this.refused =
        Counter.builder("cadenza.connections.refused")
            .description("Connections closed as accepted: the client had its maximum open")
            .tag("reason", "client-cap")
            .register(meters);
    for (ConnectionDeadlines.Deadline d : ConnectionDeadlines.Deadline.values()) {
      timeouts.put(
          d,
          Counter.builder("cadenza.connections.timeouts")
              .description("Connections closed because a deadline passed")
              .tag("deadline", d.tag)
              .register(meters));
    }
  }

  @Override
  public HttpServer apply(HttpServer server) {
    return server.doOnChannelInit((observer, channel, remote) -> init(channel));
  }

  private void init(Channel channel) {
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(NettyPipeline.HttpCodec) == null || pipeline.get(DEADLINES) != null) {
      return;
    }
    if (!admit(channel)) {
      channel.close();
      return;
    }
    open.incrementAndGet();
    channel.closeFuture().addListener(f -> open.decrementAndGet());
    ConnectionDeadlines deadlines =
        new ConnectionDeadlines(
            settings.requestHeadTimeout(),
            settings.idleTimeout(),
            timeoutProblem,
            d -> timeouts.get(d).increment());
    pipeline.addBefore(NettyPipeline.HttpCodec, BYTES, deadlines.bytes);
    pipeline.addAfter(NettyPipeline.HttpCodec, DEADLINES, deadlines.messages);
  }

  /** Counts the connection against its client's cap; false when the client is at the cap. */
  private boolean admit(Channel channel) {
    int max = settings.maxConnectionsPerClient();
    InetAddress peer = ClientAddress.address(channel.remoteAddress());
    if (max == 0 || peer == null || clients.isTrustedProxy(peer)) {
      return true;
    }
    boolean[] admitted = new boolean[1];
    perClient.compute(
        peer,
        (k, n) -> {
          int count = n == null ? 0 : n;
          if (count >= max) {
            return n;
          }
          admitted[0] = true;
          return count + 1;
        });
    if (!admitted[0]) {
      refused.increment();
      String client = ClientAddress.format(peer);
      if (refusals.first(client)) {
        log.warn(
            "Refused a connection from {}: it has {} open"
                + " (cadenza.server.max-connections-per-client); further refusals of it within a minute"
                + " are only counted (cadenza.connections.refused)",
            client,
            max);
      }
      return false;
    }
    channel
        .closeFuture()
        .addListener(f -> perClient.computeIfPresent(peer, (k, n) -> n <= 1 ? null : n - 1));
    return true;
  }
}
