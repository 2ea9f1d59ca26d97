package dev.cadenza.stream.warmup;

import dev.cadenza.stream.library.Track;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * What the warm-up asks for: the stream of a few tracks of the catalogue, half of the requests for
 * the whole file, half for a random range of 1-256 KiB, the mix {@code bench/warmup.sh} measures
 * (players fetch whole files and seek with ranges). A few tracks only: their bytes come from the
 * disk, or from the shared cache tier, once, and from memory after that, so the warm-up costs the
 * library and DynamoDB next to nothing, and every pod of a shared catalogue picks the same ones.
 */
final class WarmUpRequests {

  /** Tracks the warm-up streams at most: the first of the catalogue's order. */
  static final int TRACKS = 16;

  /** Larger tracks are asked for in ranges only: a whole file warms nothing a range does not. */
  static final long WHOLE_MAX = 16L << 20;

  static final int MIN_RANGE = 1 << 10;
  static final int MAX_RANGE = 256 << 10;

  /** One request: the target (path and query), the Range header or null, and what must answer. */
  record Request(String target, String range, int status, long length) {}

  private final List<Track> tracks;

  private WarmUpRequests(List<Track> tracks) {
    this.tracks = tracks;
  }

  /** The first {@link #TRACKS} tracks of {@code catalogue} that have bytes to send. */
  static WarmUpRequests of(List<Track> catalogue) {
    return new WarmUpRequests(catalogue.stream().filter(t -> t.size() > 0).limit(TRACKS).toList());
  }

  boolean isEmpty() {
    return tracks.isEmpty();
  }

  int tracks() {
    return tracks.size();
  }

  /** A request for one of the tracks, drawn with {@code random}. */
  Request next(RandomGenerator random) {
    Track track = tracks.get(random.nextInt(tracks.size()));
    String target = "/api/v1/tracks/" + track.id() + "/stream";
    long size = track.size();
    if (size <= WHOLE_MAX && random.nextBoolean()) {
      return new Request(target, null, 200, size);
    }
    long length = Math.min(size, random.nextLong(MIN_RANGE, MAX_RANGE + 1L));
    long first = random.nextLong(size - length + 1);
    return new Request(target, "bytes=" + first + "-" + (first + length - 1), 206, length);
  }
}
