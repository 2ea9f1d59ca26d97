package dev.cadenza.stream.web;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Refuses, with a 403 problem, a request that changes something (POST, PUT, PATCH, DELETE) when a
 * browser says it comes from another site: {@code Sec-Fetch-Site: cross-site}, or an {@code Origin}
 * that is not this service's. A browser sends the listener's credentials (Basic, remembered for the
 * origin) with a form or script of any site, so without this a page elsewhere could steer a session
 * or start a scan (CSRF). Clients that are not browsers send neither header and are not affected;
 * nor is the OpenSubsonic API ({@code /rest}), whose players are not browsers and whose calls are
 * answered the same for GET.
 *
 * <p>Same origin means the same host as {@code Host}, and the same port when {@code Host} names
 * one; the scheme is not compared, since a TLS front (the NGINX front passes {@code Host} on) hands
 * the service plain HTTP.
 */
@Component
public class CrossSiteRequests implements WebFilter, Ordered {

  private static final Set<HttpMethod> CHANGES =
      Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE);

  private final JsonMapper json;

  public CrossSiteRequests(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    if (!CHANGES.contains(request.getMethod()) || isSubsonic(request.getPath().value())) {
      return chain.filter(exchange);
    }
    String refusal =
        refusal(
            request.getHeaders().getFirst("Sec-Fetch-Site"),
            request.getHeaders().getFirst(HttpHeaders.ORIGIN),
            request.getHeaders().getFirst(HttpHeaders.HOST));
    if (refusal == null) {
      return chain.filter(exchange);
    }
    return ProblemJson.write(
        json, exchange, HttpProblems.crossSite(request.getMethod().name(), refusal));
  }

  private static boolean isSubsonic(String path) {
    return path.equals("/rest") || path.startsWith("/rest/");
  }

  /** Why the request is cross-site, or null when nothing says it is. */
  static String refusal(String fetchSite, String origin, String host) {
    if (fetchSite != null && fetchSite.trim().equalsIgnoreCase("cross-site")) {
      return "the browser marked it 'Sec-Fetch-Site: cross-site'";
    }
    if (origin != null && !sameOrigin(origin.trim(), host)) {
      return "its Origin '" + HttpProblems.clip(origin) + "' is not this service's";
    }
    return null;
  }

  /** Whether {@code origin} (RFC 6454 serialisation) names the host of {@code host}. */
  static boolean sameOrigin(String origin, String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    URI o;
    URI h;
    try {
      o = new URI(origin);
      h = new URI("http://" + host.trim());
    } catch (URISyntaxException e) {
      return false; // not an origin at all
    }
    if (o.getScheme() == null || o.getHost() == null || h.getHost() == null) {
      return false;
    }
    if (!o.getHost().toLowerCase(Locale.ROOT).equals(h.getHost().toLowerCase(Locale.ROOT))) {
      return false;
    }
    if (h.getPort() < 0) {
      return true; // Host without a port (a front's $host): the host decides
    }
    int originPort = o.getPort() >= 0 ? o.getPort() : defaultPort(o.getScheme());
    return originPort == h.getPort();
  }

  private static int defaultPort(String scheme) {
    return switch (scheme.toLowerCase(Locale.ROOT)) {
      case "https", "wss" -> 443;
      default -> 80;
    };
  }

  /** After the Accept check, before authentication: a refused request is not authenticated. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 2;
  }
}
