package dev.cadenza.stream.testsupport;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.boot.reactor.netty.NettyRouteProvider;
import org.springframework.context.ApplicationContext;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import reactor.netty.http.server.HttpServerRoutes;

/**
 * Every route a running service maps, through Spring's dispatcher (controllers, actuator endpoints)
 * or straight on Reactor Netty (the stream, the clock): tests over all of them cover a route added
 * later without being edited.
 */
public final class MappedRoutes {

  private MappedRoutes() {}

  /** A method and a path pattern ({@code {name}} variables). */
  public record Route(String method, String pattern) implements Comparable<Route> {

    /** A request path for the pattern: each variable becomes a plausible id. */
    public String path() {
      return pattern
          .replaceAll("\\{\\*[^}]+}", "x")
          .replaceAll("\\{[^}]+}", "AAAAAAAAAAAAAAAAAAAAAA");
    }

    @Override
    public int compareTo(Route o) {
      return (pattern + method).compareTo(o.pattern + o.method);
    }
  }

  /** The routes of the service {@code app}. */
  public static Set<Route> of(ApplicationContext app) {
    Set<Route> routes = new TreeSet<>();
    for (RequestMappingInfoHandlerMapping mapping :
        app.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
      mapping
          .getHandlerMethods()
          .keySet()
          .forEach(
              info -> {
                Set<RequestMethod> methods = info.getMethodsCondition().getMethods();
                List<String> names =
                    methods.isEmpty()
                        ? List.of("GET", "POST")
                        : methods.stream().map(Enum::name).toList();
                info.getPatternsCondition()
                    .getPatterns()
                    .forEach(
                        p -> names.forEach(m -> routes.add(new Route(m, p.getPatternString()))));
              });
    }
    for (NettyRouteProvider provider : app.getBeansOfType(NettyRouteProvider.class).values()) {
      routes.addAll(netty(provider));
    }
    return routes;
  }

  /**
   * What a route provider maps, recorded by handing it routes that only take notes (a route by
   * predicate, such as the answers for other methods, has no path and is not listed).
   */
  public static List<Route> netty(NettyRouteProvider provider) {
    List<Route> found = new ArrayList<>();
    HttpServerRoutes recorder =
        (HttpServerRoutes)
            Proxy.newProxyInstance(
                HttpServerRoutes.class.getClassLoader(),
                new Class<?>[] {HttpServerRoutes.class},
                (proxy, method, args) -> {
                  if (args != null && args.length >= 1 && args[0] instanceof String path) {
                    found.add(new Route(method.getName().toUpperCase(), path));
                  }
                  return method.getReturnType().isInstance(proxy) ? proxy : null;
                });
    provider.apply(recorder);
    return found;
  }
}
