package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.Album;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Library;
import dev.cadenza.stream.library.Track;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * The tracks most likely to be played after a given one, most likely first:
 *
 * <ol>
 *   <li>the next track of its album, in album order (disc, track number, path);
 *   <li>then the most similar tracks ({@link SimilarTracks}, when such a bean exists);
 *   <li>then, while there is room, the following tracks of the album.
 * </ol>
 *
 * Never the track itself, never a track twice.
 */
@Component
public class LikelyNext {

  private static final Logger log = LoggerFactory.getLogger(LikelyNext.class);

  private final Supplier<Catalog> catalog;
  private final Supplier<SimilarTracks> similar;

  @Autowired
  public LikelyNext(Library library, ObjectProvider<SimilarTracks> similar) {
    // the first by @Order / Ordered if there are several; looked up per call, so a bean made
    // later is used too
    this(library::catalog, () -> similar.orderedStream().findFirst().orElse(null));
  }

  LikelyNext(Supplier<Catalog> catalog, Supplier<SimilarTracks> similar) {
    this.catalog = catalog;
    this.similar = similar;
  }

  /** Up to {@code limit} likely next tracks after {@code playing}, most likely first. */
  public List<Track> after(Track playing, int limit) {
    Catalog now = catalog.get();
    Map<String, Track> next = new LinkedHashMap<>();
    List<Track> albumRest = albumAfter(now, playing);
    if (!albumRest.isEmpty() && limit > 0) {
      next.put(albumRest.get(0).id(), albumRest.get(0));
    }
    SimilarTracks similarTracks = similar.get();
    if (similarTracks != null && next.size() < limit) {
      List<Track> found;
      try {
        // room for the track itself and the album's next track among them
        found = similarTracks.similarTo(playing, limit + 2);
      } catch (RuntimeException e) {
        log.debug("Similar tracks of {} unavailable: {}", playing.id(), e.toString());
        found = List.of();
      }
      for (Track t : found) {
        if (next.size() >= limit) {
          break;
        }
        if (t != null && !t.id().equals(playing.id())) {
          // the catalogue's current entry, if the track is still there
          now.track(t.id()).ifPresent(current -> next.putIfAbsent(current.id(), current));
        }
      }
    }
    for (Track t : albumRest) {
      if (next.size() >= limit) {
        break;
      }
      next.putIfAbsent(t.id(), t);
    }
    return new ArrayList<>(next.values());
  }

  /** The tracks after {@code playing} on its album, in album order. */
  private static List<Track> albumAfter(Catalog catalog, Track playing) {
    String albumId = catalog.albumIdOf(playing);
    if (albumId == null) {
      return List.of();
    }
    List<Track> tracks = catalog.album(albumId).map(Album::tracks).orElse(List.of());
    for (int i = 0; i < tracks.size(); i++) {
      if (tracks.get(i).id().equals(playing.id())) {
        return tracks.subList(i + 1, tracks.size());
      }
    }
    return List.of();
  }
}
