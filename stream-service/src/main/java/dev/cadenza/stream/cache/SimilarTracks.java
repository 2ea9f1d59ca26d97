package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.Track;
import java.util.List;

/**
 * Tracks that sound like a given one, most similar first: what predictive prefetch ({@link
 * LikelyNext}) warms after the next track of the album. Provided as a Spring bean (from track
 * embeddings); without one, prefetch follows the album only.
 */
public interface SimilarTracks {

  /**
   * At most {@code limit} tracks of the current catalogue most similar to {@code track}, most
   * similar first; the track itself may be among them (callers skip it). Called off the request
   * path, on the prefetch thread.
   */
  List<Track> similarTo(Track track, int limit);
}
