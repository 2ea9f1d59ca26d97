package dev.cadenza.stream.subsonic;

import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.metadata.ScoredTrack;
import dev.cadenza.stream.metadata.TrackEmbeddings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The OpenSubsonic {@code sonicSimilarity} extension from our track embeddings: {@code
 * getSonicSimilarTracks} (the songs nearest to one) and {@code findSonicPath} (a walk from one song
 * to another through the songs between them). Each {@code sonicMatch} is a song with its {@code
 * distance} from the query (or path's start): (1 - cosine similarity) / 2, so 0 is the same point
 * and 1 the opposite one.
 *
 * <p>Our embeddings are of each track's tags (title, artist, album, genre: docs/metadata.md), not
 * of its audio: "sonic" here means near in that space. docs/subsonic.md says so to the players'
 * users; a server that analyses audio would answer differently.
 */
@Component
class SonicSimilarityEndpoints implements SubsonicEndpoints {

  /** Songs near each end that a path may pass through. */
  static final int PATH_CANDIDATES = 200;

  private final SubsonicCatalog catalog;
  private final SubsonicViews views;
  private final TrackEmbeddings embeddings;

  SonicSimilarityEndpoints(
      SubsonicCatalog catalog, SubsonicViews views, TrackEmbeddings embeddings) {
    this.catalog = catalog;
    this.views = views;
    this.embeddings = embeddings;
  }

  @Override
  public void register(SubsonicMethods.Registry registry) {
    registry.add("getSonicSimilarTracks", this::similarTracks);
    registry.add("findSonicPath", this::path);
  }

  private Mono<SubsonicReply> similarTracks(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Track query = snapshot.track(call.params().required("id"));
    int count = call.params().bounded("count", 10, 0, ListEndpoints.MAX_SIZE);
    Map<Track, Double> found = new LinkedHashMap<>();
    for (ScoredTrack s : nearest(query, count + 1)) {
      if (!s.track().id().equals(query.id()) && found.size() < count) {
        found.put(s.track(), distance(s.similarity()));
      }
    }
    return render(call, snapshot, "sonicSimilarTracksResult", found);
  }

  private Mono<SubsonicReply> path(SubsonicCall call) {
    SubsonicCatalog.Snapshot snapshot = catalog.current();
    Track start = snapshot.track(call.params().required("startSongId"));
    Track end = snapshot.track(call.params().required("endSongId"));
    int count = call.params().bounded("count", 25, 2, ListEndpoints.MAX_SIZE);
    double across = 1 - similarity(start, end);
    // what may lie between: the songs nearest to either end
    Map<String, Track> pool = new LinkedHashMap<>();
    for (Track end1 : List.of(start, end)) {
      for (ScoredTrack s : nearest(end1, PATH_CANDIDATES)) {
        pool.putIfAbsent(s.track().id(), s.track());
      }
    }
    pool.remove(start.id());
    pool.remove(end.id());
    record Step(Track track, double fromStart, double progress, double detour) {}
    List<Step> steps = new ArrayList<>();
    for (Track t : pool.values()) {
      double a = 1 - similarity(t, start);
      double b = 1 - similarity(t, end);
      steps.add(new Step(t, a, a + b == 0 ? 0.5 : a / (a + b), Math.max(0, a + b - across)));
    }
    // evenly spaced way points from start to end, each the unused song nearest to its place on
    // the way that strays least from the straight line
    Map<Track, Double> path = new LinkedHashMap<>();
    path.put(start, 0.0);
    for (int k = 1; k < count - 1 && !steps.isEmpty(); k++) {
      double target = (double) k / (count - 1);
      Step best = null;
      double bestScore = Double.MAX_VALUE;
      for (Step s : steps) {
        double score = Math.abs(s.progress() - target) + s.detour() / 2;
        if (score < bestScore) {
          best = s;
          bestScore = score;
        }
      }
      steps.remove(best);
      path.put(best.track(), best.fromStart() / 2);
    }
    path.put(end, distance(similarity(start, end)));
    return render(call, snapshot, "findSonicPathResult", path);
  }

  /** The nearest songs, or error 0 saying why there are none yet. */
  private List<ScoredTrack> nearest(Track track, int limit) {
    List<ScoredTrack> found = embeddings.scoredSimilarTo(track, limit);
    if (found.isEmpty()) {
      throw notEmbedded(track);
    }
    return found;
  }

  private double similarity(Track a, Track b) {
    return embeddings.similarity(a, b).orElseThrow(() -> notEmbedded(a));
  }

  private static SubsonicError notEmbedded(Track track) {
    return new SubsonicError(
        SubsonicError.GENERIC,
        "Song '"
            + SubsonicError.quote(track.id())
            + "' has no embedding yet (embeddings are computed after each scan, or are off on"
            + " this server); retry later");
  }

  /** (1 - cosine similarity) / 2, rounded to 4 places: 0 the same point, 1 the opposite. */
  static double distance(double similarity) {
    double d = Math.min(1, Math.max(0, (1 - similarity) / 2));
    return Math.round(d * 10_000) / 10_000.0;
  }

  private Mono<SubsonicReply> render(
      SubsonicCall call,
      SubsonicCatalog.Snapshot snapshot,
      String element,
      Map<Track, Double> found) {
    List<Track> tracks = List.copyOf(found.keySet());
    List<Double> distances = List.copyOf(found.values());
    return views
        .songs("sonicMatch", snapshot, tracks, call.listener())
        .map(
            nodes -> {
              for (int i = 0; i < nodes.size(); i++) {
                nodes.get(i).attr("distance", distances.get(i));
              }
              return SubsonicReply.of(Node.of(element).list("sonicMatch", nodes));
            });
  }
}
