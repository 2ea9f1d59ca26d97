package dev.cadenza.stream.web;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.util.ArrayList;
import java.util.List;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The answers a route served by Reactor Netty owes for the methods it does not serve, as Spring's
 * dispatcher gives them for its own routes: {@code OPTIONS} lists the methods in {@code Allow}, any
 * other method is a 405 problem with {@code Allow}. Without this such a request fell through to
 * Spring, which knows nothing of the path and answered 404.
 */
public final class NettyRoutes {

  private NettyRoutes() {}

  /**
   * Adds to {@code routes}, after the path's own, the answers for the methods {@code pattern}
   * (Reactor Netty's syntax: {@code {name}} is one path segment) does not serve; {@code served}
   * lists those it does.
   */
  public static HttpServerRoutes otherMethods(
      HttpServerRoutes routes, JsonMapper json, String pattern, String... served) {
    String[] path = parts(pattern);
    List<String> allowed = new ArrayList<>(List.of(served));
    allowed.add(HttpMethod.OPTIONS.name());
    String allow = String.join(", ", allowed);
    return routes.route(
        request -> matches(path, request.uri()),
        (request, response) -> {
          if (request.method().equals(HttpMethod.OPTIONS)) {
            return response
                .status(HttpResponseStatus.OK)
                .header(HttpHeaderNames.ALLOW, allow)
                .header(HttpHeaderNames.CONTENT_LENGTH, "0")
                .send();
          }
          return NettyProblems.write(
              json,
              request,
              response,
              HttpProblems.methodNotAllowed(request.method().name(), path(request), allowed));
        });
  }

  /**
   * Whether the path of {@code target} (raw: a malformed escape must not fail the match) matches
   * the pattern's {@code parts}. Allocates nothing: it runs for each request that an earlier route
   * did not take, the track stream's among them when its provider comes later.
   */
  static boolean matches(String[] parts, String target) {
    int end = target.indexOf('?');
    if (end < 0) {
      end = target.length();
    }
    int at = 0;
    for (String part : parts) {
      if (part.startsWith("{")) {
        int start = at;
        while (at < end && target.charAt(at) != '/') {
          at++;
        }
        if (at == start) {
          return false;
        }
      } else if (target.startsWith(part, at) && at + part.length() <= end) {
        at += part.length();
      } else {
        return false;
      }
    }
    return at == end;
  }

  private static String path(HttpServerRequest request) {
    String uri = request.uri();
    int query = uri.indexOf('?');
    return query < 0 ? uri : uri.substring(0, query);
  }

  /** The pattern's literal parts and its variables ({@code {name}}: one path segment). */
  static String[] parts(String pattern) {
    return pattern.split("(?=\\{)|(?<=})");
  }
}
