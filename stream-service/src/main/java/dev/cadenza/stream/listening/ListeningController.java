package dev.cadenza.stream.listening;

import dev.cadenza.protocol.Api;
import dev.cadenza.stream.account.Listener;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.listening.Listening.Order;
import dev.cadenza.stream.listening.ListeningViews.AnnotationView;
import dev.cadenza.stream.listening.ListeningViews.ListView;
import dev.cadenza.stream.listening.ListeningViews.NowPlayingView;
import dev.cadenza.stream.listening.ListeningViews.QueueView;
import dev.cadenza.stream.listening.ListeningViews.ScrobbleView;
import dev.cadenza.stream.web.JsonBody;
import dev.cadenza.stream.web.Problems;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The listener's own music data under {@code /api/v1/me}: stars, ratings, plays, the history, the
 * play queue; and {@code /api/v1/now-playing}, what everyone is playing. Request bodies are JSON
 * only (415 otherwise), read field by field.
 */
@RestController
@RequestMapping(produces = MediaType.APPLICATION_JSON_VALUE)
public class ListeningController {

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 500;

  /** The client name of plays and queues saved without one. */
  static final String DEFAULT_CLIENT = "api";

  private final Listening listening;
  private final Library library;
  private final JsonMapper json;

  ListeningController(Listening listening, Library library, JsonMapper json) {
    this.listening = listening;
    this.library = library;
    this.json = json;
  }

  // --- stars and ratings ---------------------------------------------------------------------

  @PutMapping(Api.MY_STARS + "/{kind}/{id}")
  public Mono<AnnotationView> star(
      Listener listener, @PathVariable String kind, @PathVariable String id) {
    return Mono.defer(() -> listening.star(listener.id(), ItemKind.parse("kind", kind), id))
        .map(this::view);
  }

  @DeleteMapping(Api.MY_STARS + "/{kind}/{id}")
  public Mono<ResponseEntity<Void>> unstar(
      Listener listener, @PathVariable String kind, @PathVariable String id) {
    return Mono.defer(() -> listening.unstar(listener.id(), ItemKind.parse("kind", kind), id))
        .thenReturn(ResponseEntity.noContent().build());
  }

  @GetMapping(Api.MY_STARS)
  public Mono<ListView<AnnotationView>> starred(
      Listener listener,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String offset) {
    return list(listener, kind, Order.STARRED, limit, offset);
  }

  @PutMapping(path = Api.MY_RATINGS + "/{kind}/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<AnnotationView> rate(
      Listener listener,
      @PathVariable String kind,
      @PathVariable String id,
      @RequestBody(required = false) String body) {
    return Mono.defer(
            () -> {
              ItemKind k = ItemKind.parse("kind", kind);
              Long rating =
                  JsonBody.object(json, body, "Rating", "rating").integer("rating", "0 to 5");
              if (rating == null || rating != rating.intValue()) {
                throw Problems.invalidBody(
                    "rating", "Field 'rating' is required: 1 to 5, or 0 to clear the rating.");
              }
              return listening.rate(listener.id(), k, id, rating.intValue());
            })
        .map(this::view);
  }

  @DeleteMapping(Api.MY_RATINGS + "/{kind}/{id}")
  public Mono<ResponseEntity<Void>> clearRating(
      Listener listener, @PathVariable String kind, @PathVariable String id) {
    return Mono.defer(() -> listening.rate(listener.id(), ItemKind.parse("kind", kind), id, 0))
        .thenReturn(ResponseEntity.noContent().build());
  }

  @GetMapping(Api.MY_RATINGS)
  public Mono<ListView<AnnotationView>> rated(
      Listener listener,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String offset) {
    return list(listener, kind, Order.HIGHEST_RATED, limit, offset);
  }

  @GetMapping(Api.MY_PLAYS)
  public Mono<ListView<AnnotationView>> played(
      Listener listener,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String order,
      @RequestParam(required = false) String limit,
      @RequestParam(required = false) String offset) {
    return Mono.defer(
        () -> {
          Order o =
              switch (order == null ? "frequent" : order) {
                case "frequent" -> Order.MOST_PLAYED;
                case "recent" -> Order.RECENTLY_PLAYED;
                default ->
                    throw Problems.badParameter("order", order, "must be frequent or recent");
              };
          return list(listener, kind, o, limit, offset);
        });
  }

  // --- annotations ---------------------------------------------------------------------------

  @GetMapping(Api.MY_ANNOTATIONS + "/{kind}/{id}")
  public Mono<AnnotationView> annotation(
      Listener listener, @PathVariable String kind, @PathVariable String id) {
    return Mono.defer(
        () -> {
          ItemKind k = ItemKind.parse("kind", kind);
          if (!k.exists(library.catalog(), id)) {
            throw ListeningProblems.itemNotFound(k, id);
          }
          return listening.annotation(listener.id(), k, id).map(this::view);
        });
  }

  /** The annotations of up to {@link #MAX_LIMIT} items, in the order asked, untouched ones too. */
  @GetMapping(Api.MY_ANNOTATIONS)
  public Mono<ListView<AnnotationView>> annotations(
      Listener listener,
      @RequestParam(required = false) String kind,
      @RequestParam(required = false) String ids) {
    return Mono.defer(
        () -> {
          ItemKind k = ItemKind.parse("kind", kind);
          List<String> wanted =
              ids == null || ids.isBlank()
                  ? List.of()
                  : Arrays.stream(ids.split(",")).map(String::strip).toList();
          if (wanted.size() > MAX_LIMIT) {
            throw Problems.badParameter(
                "ids", null, "names " + wanted.size() + " ids; at most " + MAX_LIMIT + " at once");
          }
          return listening
              .annotations(listener.id(), k, wanted)
              .map(
                  found -> {
                    Catalog c = library.catalog();
                    return new ListView<>(
                        wanted.stream()
                            .map(id -> found.getOrDefault(id, Annotation.none(k, id)))
                            .map(a -> AnnotationView.of(a, c))
                            .toList(),
                        null);
                  });
        });
  }

  // --- plays ---------------------------------------------------------------------------------

  /**
   * A play ({@code submission} true, the default: kept in the history and counted once, however
   * often it is sent) or a now-playing report ({@code submission} false).
   */
  @PostMapping(path = Api.MY_SCROBBLES, consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<Object> scrobble(Listener listener, @RequestBody(required = false) String body) {
    return Mono.defer(
        () -> {
          JsonBody b =
              JsonBody.object(json, body, "Scrobble", "trackId", "time", "submission", "client");
          String trackId = b.string("trackId");
          if (trackId == null) {
            throw Problems.invalidBody("trackId", "Field 'trackId' is required.");
          }
          Long time = b.integer("time", "an integer number of milliseconds since the epoch");
          boolean submission = !Boolean.FALSE.equals(b.bool("submission"));
          String client = b.has("client") ? b.string("client") : DEFAULT_CLIENT;
          Catalog c = library.catalog();
          if (!submission) {
            return listening
                .nowPlaying(listener, trackId, client)
                .map(p -> NowPlayingView.of(p, c));
          }
          return listening
              .scrobble(
                  listener.id(), trackId, time == null ? null : Instant.ofEpochMilli(time), client)
              .map(s -> ScrobbleView.of(s, c));
        });
  }

  /** The listener's plays, newest first. */
  @GetMapping(Api.MY_SCROBBLES)
  public Mono<ListView<ScrobbleView>> history(
      Listener listener, @RequestParam(required = false) String limit) {
    return Mono.defer(
        () -> {
          int n = count("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
          Catalog c = library.catalog();
          return listening
              .history(listener.id(), n)
              .map(s -> ScrobbleView.of(s, c))
              .collectList()
              .map(items -> new ListView<>(items, null));
        });
  }

  @GetMapping(Api.NOW_PLAYING)
  public Mono<ListView<NowPlayingView>> nowPlaying(Listener listener) {
    Catalog c = library.catalog();
    return listening
        .nowPlaying()
        .map(p -> NowPlayingView.of(p, c))
        .collectList()
        .map(items -> new ListView<>(items, null));
  }

  // --- the play queue ------------------------------------------------------------------------

  @GetMapping(Api.MY_QUEUE)
  public Mono<QueueView> queue(Listener listener) {
    return listening.playQueue(listener.id()).map(q -> QueueView.of(q, library.catalog()));
  }

  @PutMapping(path = Api.MY_QUEUE, consumes = MediaType.APPLICATION_JSON_VALUE)
  public Mono<QueueView> saveQueue(Listener listener, @RequestBody(required = false) String body) {
    return Mono.defer(
            () -> {
              JsonBody b =
                  JsonBody.object(
                      json, body, "PlayQueue", "trackIds", "current", "positionMs", "client");
              List<String> trackIds = b.strings("trackIds");
              if (trackIds == null) {
                throw Problems.invalidBody(
                    "trackIds", "Field 'trackIds' is required (an empty array clears the queue).");
              }
              Long position = b.integer("positionMs", "an integer number of milliseconds");
              String client = b.has("client") ? b.string("client") : DEFAULT_CLIENT;
              return listening.savePlayQueue(
                  listener.id(),
                  trackIds,
                  b.string("current"),
                  position == null ? 0 : position,
                  client);
            })
        .map(q -> QueueView.of(q, library.catalog()));
  }

  // --- helpers -------------------------------------------------------------------------------

  private Mono<ListView<AnnotationView>> list(
      Listener listener, String kind, Order order, String limit, String offset) {
    return Mono.defer(
        () -> {
          ItemKind k = ItemKind.parse("kind", kind);
          int n = count("limit", limit, DEFAULT_LIMIT, 1, MAX_LIMIT);
          int skip = count("offset", offset, 0, 0, Integer.MAX_VALUE - MAX_LIMIT - 1);
          Catalog c = library.catalog();
          return listening
              .list(listener.id(), k, order)
              .skip(skip)
              .take(n + 1L)
              .map(a -> AnnotationView.of(a, c))
              .collectList()
              .map(
                  items ->
                      items.size() > n
                          ? new ListView<>(items.subList(0, n), skip + n)
                          : new ListView<>(items, null));
        });
  }

  private AnnotationView view(Annotation a) {
    return AnnotationView.of(a, library.catalog());
  }

  /** A whole-number query parameter from {@code min} to {@code max}, or its default. */
  static int count(String name, String value, int defaultValue, int min, int max) {
    if (value == null) {
      return defaultValue;
    }
    try {
      int n = Integer.parseInt(value.strip());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw Problems.badParameter(name, value, "must be a whole number from " + min + " to " + max);
  }
}
