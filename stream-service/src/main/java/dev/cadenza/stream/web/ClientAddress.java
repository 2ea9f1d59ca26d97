package dev.cadenza.stream.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import reactor.netty.http.server.HttpServerRequest;

/**
 * Who a request comes from: the one answer for everything counted per client (failed logins, event
 * streams, connections). It is the connection's peer, unless the peer is a trusted proxy ({@code
 * cadenza.server.trusted-proxies}); then it is the rightmost address of {@code X-Forwarded-For}
 * that is not a trusted proxy itself. Each proxy appends the address it got the request from, so
 * that entry was written by a proxy the service trusts; whatever stands left of it the client
 * wrote, and may be anything.
 *
 * <p>The peer is the connection's own, whatever {@code server.forward-headers-strategy} says: a
 * forwarded header from an untrusted peer is never believed.
 */
@Component
public class ClientAddress {

  /** What a request from nowhere known counts as (no socket address: never seen on TCP). */
  static final String UNKNOWN = "unknown";

  private static final String FORWARDED_FOR = "X-Forwarded-For";
  private static final String FORWARDED_PROTO = "X-Forwarded-Proto";

  private final List<AddressRange> trustedProxies;

  public ClientAddress(ServerSettings settings) {
    this.trustedProxies = settings.trustedProxyRanges();
  }

  /** The client of a request Spring's dispatcher serves. */
  public String of(ServerHttpRequest request) {
    Object nativeRequest;
    try {
      nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
    } catch (IllegalArgumentException notReactorNetty) {
      nativeRequest = null;
    }
    if (nativeRequest instanceof HttpServerRequest netty) {
      return of(netty);
    }
    return format(
        client(address(request.getRemoteAddress()), request.getHeaders().get(FORWARDED_FOR)));
  }

  /** The client of a request Reactor Netty serves directly. */
  public String of(HttpServerRequest request) {
    return format(
        client(
            address(request.connectionRemoteAddress()),
            request.requestHeaders().getAll(FORWARDED_FOR)));
  }

  /**
   * Whether the client reached this service over TLS: the connection is TLS, or a trusted proxy
   * says so with {@code X-Forwarded-Proto: https} (from anyone else that header is not believed).
   */
  public boolean overTls(ServerHttpRequest request) {
    if (request.getSslInfo() != null) {
      return true;
    }
    Object nativeRequest;
    try {
      nativeRequest = ServerHttpRequestDecorator.getNativeRequest(request);
    } catch (IllegalArgumentException | IllegalStateException notReactorNetty) {
      nativeRequest = null;
    }
    InetAddress peer =
        nativeRequest instanceof HttpServerRequest netty
            ? address(netty.connectionRemoteAddress())
            : address(request.getRemoteAddress());
    String proto = request.getHeaders().getFirst(FORWARDED_PROTO);
    return peer != null
        && proto != null
        && isTrustedProxy(peer)
        && proto.split(",")[0].strip().equalsIgnoreCase("https");
  }

  /** Whether {@code peer} is one of the trusted proxies. */
  public boolean isTrustedProxy(InetAddress peer) {
    for (AddressRange range : trustedProxies) {
      if (range.contains(peer)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The client behind {@code peer}, given the {@code X-Forwarded-For} header lines of its request
   * (may be null): walking the addresses from the right, the first that is not a trusted proxy. An
   * entry that is not an address ends the walk at the trusted hop that passed it on; when every
   * entry is a trusted proxy, the leftmost is the client.
   */
  InetAddress client(InetAddress peer, List<String> forwardedFor) {
    if (peer == null || forwardedFor == null || !isTrustedProxy(peer)) {
      return peer;
    }
    InetAddress client = peer;
    for (int line = forwardedFor.size() - 1; line >= 0; line--) {
      String[] entries = forwardedFor.get(line).split(",");
      for (int i = entries.length - 1; i >= 0; i--) {
        if (entries[i].isBlank()) {
          continue;
        }
        InetAddress hop = entry(entries[i].strip());
        if (hop == null) {
          return client;
        }
        client = hop;
        if (!isTrustedProxy(hop)) {
          return hop;
        }
      }
    }
    return client;
  }

  static String format(InetAddress address) {
    return address == null ? UNKNOWN : address.getHostAddress();
  }

  static InetAddress address(SocketAddress socket) {
    return socket instanceof InetSocketAddress inet ? inet.getAddress() : null;
  }

  /**
   * An entry: an address, with a port as some proxies write it ({@code 192.0.2.7:4711}, {@code
   * [2001:db8::1]:4711}).
   */
  private static InetAddress entry(String entry) {
    String address = entry;
    if (address.startsWith("[")) {
      int close = address.indexOf(']');
      address = close < 0 ? address : address.substring(1, close);
    } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') > 0) {
      address = address.substring(0, address.indexOf(':')); // IPv4 with a port
    }
    return AddressRange.literalAddress(address);
  }
}
