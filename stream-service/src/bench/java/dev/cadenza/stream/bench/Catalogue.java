package dev.cadenza.stream.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The simulated catalogue: tracks cut into fixed-size chunks (the last chunk of a track is
 * shorter), and albums of consecutive tracks. Chunks have global ids {@code 0 .. chunks()-1}, the
 * chunks of one track being consecutive.
 */
final class Catalogue {

  static final int CHUNK_BYTES = 256 * 1024;

  private static final double MEDIAN_TRACK_BYTES = 6e6;
  private static final double TRACK_SIGMA = 0.35;
  private static final long MIN_TRACK_BYTES = 3_000_000;
  private static final long MAX_TRACK_BYTES = 12_000_000;
  private static final int MIN_ALBUM_TRACKS = 8;
  private static final int MAX_ALBUM_TRACKS = 14;

  private final int[] firstChunk; // per track, plus the end of the last track
  private final int[] chunkBytes; // per chunk
  private final int[] firstTrackOfAlbum; // per album, plus the end of the last album
  private final long totalBytes;

  private Catalogue(int[] firstChunk, int[] chunkBytes, int[] firstTrackOfAlbum, long totalBytes) {
    this.firstChunk = firstChunk;
    this.chunkBytes = chunkBytes;
    this.firstTrackOfAlbum = firstTrackOfAlbum;
    this.totalBytes = totalBytes;
  }

  /**
   * {@code tracks} tracks with lognormal sizes around 6 MB (sigma 0.35, redrawn outside 3-12 MB),
   * in whole KiB; albums of 8-14 consecutive tracks (the last album takes what is left).
   */
  static Catalogue generate(int tracks, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    long[] trackBytes = new long[tracks];
    int[] firstChunk = new int[tracks + 1];
    for (int t = 0; t < tracks; t++) {
      trackBytes[t] = drawTrackBytes(random);
      firstChunk[t + 1] = firstChunk[t] + (int) ((trackBytes[t] + CHUNK_BYTES - 1) / CHUNK_BYTES);
    }
    int[] chunkBytes = new int[firstChunk[tracks]];
    long total = 0;
    for (int t = 0; t < tracks; t++) {
      long left = trackBytes[t];
      for (int c = firstChunk[t]; c < firstChunk[t + 1]; c++) {
        chunkBytes[c] = (int) Math.min(CHUNK_BYTES, left);
        left -= chunkBytes[c];
      }
      total += trackBytes[t];
    }
    int[] albumStarts = new int[tracks / MIN_ALBUM_TRACKS + 2];
    int albums = 0;
    for (int start = 0; start < tracks; albums++) {
      albumStarts[albums] = start;
      start = Math.min(tracks, start + random.nextInt(MIN_ALBUM_TRACKS, MAX_ALBUM_TRACKS + 1));
    }
    albumStarts[albums] = tracks;
    return new Catalogue(firstChunk, chunkBytes, Arrays.copyOf(albumStarts, albums + 1), total);
  }

  private static long drawTrackBytes(SplittableRandom random) {
    while (true) {
      double bytes = MEDIAN_TRACK_BYTES * Math.exp(TRACK_SIGMA * gaussian(random));
      long kib = Math.round(bytes / 1024);
      if (kib * 1024 >= MIN_TRACK_BYTES && kib * 1024 <= MAX_TRACK_BYTES) {
        return kib * 1024;
      }
    }
  }

  /** A standard normal draw (Box-Muller), since SplittableRandom has none on Java 17. */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble());
  }

  int tracks() {
    return firstChunk.length - 1;
  }

  int chunks() {
    return chunkBytes.length;
  }

  int firstChunk(int track) {
    return firstChunk[track];
  }

  int chunkCount(int track) {
    return firstChunk[track + 1] - firstChunk[track];
  }

  int chunkBytes(int chunk) {
    return chunkBytes[chunk];
  }

  long trackBytes(int track) {
    long bytes = 0;
    for (int c = firstChunk[track]; c < firstChunk[track + 1]; c++) {
      bytes += chunkBytes[c];
    }
    return bytes;
  }

  int albums() {
    return firstTrackOfAlbum.length - 1;
  }

  int firstTrack(int album) {
    return firstTrackOfAlbum[album];
  }

  int trackCount(int album) {
    return firstTrackOfAlbum[album + 1] - firstTrackOfAlbum[album];
  }

  /** The bytes of all chunks of all tracks: what a cache holding the whole catalogue needs. */
  long totalBytes() {
    return totalBytes;
  }
}
