package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.listening.Listening;
import dev.cadenza.stream.listening.NowPlaying;
import dev.cadenza.stream.listening.PlayQueue;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a listener plays: {@code scrobble} (plays, and now playing with {@code submission=false}),
 * {@code getNowPlaying}, {@code getPlayQueue} and {@code savePlayQueue}, over {@link Listening}.
 * The player is the call's {@code c}.
 */
@Component
class PlayEndpoints implements SubsonicEndpoints {

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;
  private final Listening listening;
  private final Clock clock = Clock.systemUTC();

  PlayEndpoints(SubsonicCatalog catalog, SubsonicViews views, Listening listening) {
    this.catalog = catalog;
    this.views = views;
    this.listening = listening;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("scrobble", this::scrobble);
    registry.add("getNowPlaying", this::nowPlaying);
    registry.add("getPlayQueue", this::playQueue);
    registry.add("savePlayQueue", this::savePlayQueue);
  }

  /**
   * {@code submission=true} (the default) submits a play of every {@code id}, at the matching
   * {@code time} (ms; now when there is none); {@code false} reports the first {@code id} as now
   * playing. Every id is checked first: an unknown one (error 70) submits nothing.
   */
  private Mono<SubsonicReply> scrobble(SubsonicCall call) {
    SubsonicParams params = call.params();
    List<String> ids = params.values("id");
    if (ids.isEmpty()) {
      throw SubsonicError.missing("id");
    }
    Catalog c = catalog.current().catalog();
    ids.stream()
        .filter(id -> c.track(id).isEmpty())
        .findFirst()
        .ifPresent(
            id -> {
              throw SubsonicError.notFound("song", id);
            });
    List<Instant> times = new ArrayList<>();
    for (String time : params.all("time")) {
      times.add(time.isBlank() ? null : Instant.ofEpochMilli(millis("time", time)));
    }
    boolean submission = params.bool("submission", true);
    String client = params.client();
    String user = call.listener().id();
    if (!submission) {
      return listening
          .nowPlaying(call.listener(), ids.get(0), client)
          .thenReturn(SubsonicReply.ok());
    }
    List<Integer> indices = IntStream.range(0, ids.size()).boxed().toList();
    return Flux.fromIterable(indices)
        .concatMap(
            i ->
                listening.scrobble(
                    user, ids.get(i), i < times.size() ? times.get(i) : null, client))
        .then(Mono.just(SubsonicReply.ok()));
  }

  private static long millis(String name, String value) {
    try {
      return Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      throw SubsonicError.invalid(name, value, "milliseconds since the epoch");
    }
  }

  /**
   * Every listener's now playing, as songs with {@code username}, {@code minutesAgo}, {@code
   * playerId} (a number derived from the player's name) and {@code playerName}; tracks no longer in
   * the library are left out. Stars and ratings are the caller's.
   */
  private Mono<SubsonicReply> nowPlaying(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    return listening
        .nowPlaying()
        .filter(n -> snapshot.catalog().track(n.trackId()).isPresent())
        .collectList()
        .flatMap(
            entries -> {
              List<Track> tracks = entries.stream().map(n -> snapshot.track(n.trackId())).toList();
              return views
                  .songs("entry", snapshot, tracks, call.listener())
                  .map(
                      songs -> {
                        Instant now = clock.instant();
                        List<Node> out = new ArrayList<>(songs.size());
                        for (int i = 0; i < songs.size(); i++) {
                          NowPlaying n = entries.get(i);
                          out.add(
                              songs
                                  .get(i)
                                  .attr("username", n.username())
                                  .attr(
                                      "minutesAgo",
                                      Math.max(0, Duration.between(n.startedAt(), now).toMinutes()))
                                  .attr("playerId", playerId(n.client()))
                                  .attr("playerName", n.client()));
                        }
                        return SubsonicReply.of(Node.of("nowPlaying").list("entry", out));
                      });
            });
  }

  /** The spec's {@code playerId} is a number: one per player name, stable across calls. */
  static int playerId(String client) {
    return client == null ? 0 : client.hashCode() & 0x7fffffff;
  }

  /**
   * The saved queue; no {@code playQueue} when there is none. Tracks that left the library are left
   * out, and so is {@code current} when it is one of them.
   */
  private Mono<SubsonicReply> playQueue(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    return listening
        .playQueue(call.listener().id())
        .flatMap(
            queue -> {
              if (queue.changedAt() == null) {
                return Mono.just(SubsonicReply.ok());
              }
              List<Track> tracks =
                  AnnotationEndpoints.present(queue.trackIds(), snapshot.catalog()::track);
              return views
                  .songs("entry", snapshot, tracks, call.listener())
                  .map(entries -> SubsonicReply.of(queueNode(call, queue, snapshot, entries)));
            });
  }

  private static Node queueNode(
      SubsonicCall call, PlayQueue queue, SubsonicCatalog.Snapshot snapshot, List<Node> entries) {
    Optional<String> current =
        Optional.ofNullable(queue.current()).filter(id -> snapshot.catalog().track(id).isPresent());
    return Node.of("playQueue")
        .attr("current", current.orElse(null))
        .attr("position", queue.positionMs())
        .attr("username", call.listener().username())
        .attr("changed", queue.changedAt())
        .attr("changedBy", queue.changedBy())
        .list("entry", entries);
  }

  /**
   * Replaces the queue with the {@code id}s (none clears it), {@code current} one of them, at
   * {@code position} ms into it.
   */
  private Mono<SubsonicReply> savePlayQueue(SubsonicCall call) {
    SubsonicParams params = call.params();
    List<String> ids = params.values("id");
    String current = params.optional("current").filter(id -> !id.isEmpty()).orElse(null);
    if (ids.isEmpty()) {
      current = null;
    }
    long position = Math.max(0, params.longValue("position").orElse(0L));
    return listening
        .savePlayQueue(call.listener().id(), ids, current, position, params.client())
        .thenReturn(SubsonicReply.ok());
  }
}
