package dev.cadenza.stream.web;

import java.util.List;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads {@code Accept} once, before Spring's dispatcher does. Spring sorts the media ranges of
 * {@code Accept} when it matches a route, resolves an error handler and renders an error, and fails
 * each time on more than {@value #MAX_RANGES} of them, so such a request got a 500 with an empty
 * body and tens of kilobytes of stack trace in the log. Here it gets a 406 problem instead, as does
 * an {@code Accept} that is not a list of media types. On the OpenSubsonic API, whose format is a
 * parameter ({@code f}), such a header is dropped and the call goes on.
 */
@Component
public class AcceptHeaderLimit implements WebFilter, Ordered {

  /** The most media ranges Spring sorts ({@code MimeTypeUtils.sortBySpecificity}). */
  static final int MAX_RANGES = 50;

  private final JsonMapper json;

  public AcceptHeaderLimit(JsonMapper json) {
    this.json = json;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    List<String> accept = exchange.getRequest().getHeaders().get(HttpHeaders.ACCEPT);
    if (accept == null) {
      return chain.filter(exchange);
    }
    String refusal = refusal(accept);
    if (refusal == null) {
      return chain.filter(exchange);
    }
    if (exchange.getRequest().getPath().value().startsWith("/rest/")) {
      return chain.filter(
          exchange.mutate().request(r -> r.headers(h -> h.remove(HttpHeaders.ACCEPT))).build());
    }
    return ProblemJson.write(json, exchange, HttpProblems.notAcceptable(refusal, List.of()));
  }

  /** Why {@code accept} cannot be used, or null when it can. */
  static String refusal(List<String> accept) {
    return Ranges.of(accept).refusal();
  }

  /** The media ranges of an {@code Accept}, or why they cannot be used. */
  private record Ranges(List<MediaType> ranges, String refusal) {

    static Ranges of(List<String> accept) {
      List<MediaType> ranges;
      try {
        ranges = MediaType.parseMediaTypes(accept);
      } catch (InvalidMediaTypeException e) {
        return new Ranges(
            List.of(),
            "'Accept' is not a list of media types: " + HttpProblems.clip(e.getMessage()));
      }
      if (ranges.size() > MAX_RANGES) {
        return new Ranges(
            List.of(),
            "'Accept' lists "
                + ranges.size()
                + " media ranges; at most "
                + MAX_RANGES
                + " are read (most clients send one to five).");
      }
      return new Ranges(ranges, null);
    }
  }

  /**
   * For a route with one representation, {@code produced}: why {@code accept} (its header lines)
   * rules it out (a 406), or null when it is absent or admits it. Types, subtypes and parameter
   * names compare case-insensitively (RFC 9110 section 8.3.1).
   */
  public static String refusal(List<String> accept, MediaType produced) {
    if (accept == null || accept.isEmpty()) {
      return null;
    }
    Ranges parsed = Ranges.of(accept);
    if (parsed.refusal() != null) {
      return parsed.refusal();
    }
    List<MediaType> ranges = parsed.ranges();
    if (ranges.isEmpty()
        || ranges.stream().anyMatch(r -> r.includes(produced) && r.getQualityValue() > 0)) {
      return null;
    }
    return "Nothing in 'Accept: "
        + HttpProblems.clip(String.join(", ", accept))
        + "' is served here; this route answers "
        + produced
        + ".";
  }

  /** First of the service's filters: nothing before it may read {@code Accept}. */
  @Override
  public int getOrder() {
    return Ordered.HIGHEST_PRECEDENCE + 1;
  }
}
