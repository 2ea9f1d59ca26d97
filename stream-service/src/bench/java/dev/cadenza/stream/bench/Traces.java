package dev.cadenza.stream.bench;

import java.util.SplittableRandom;

/**
 * Seeded request traces over a {@link Catalogue}. A play of a track reads its chunks in order from
 * chunk 0: the whole track with probability 0.7, otherwise (the listener skips) a prefix of 1 to
 * {@code n-1} of its {@code n} chunks, uniformly. Every trace is exactly {@code accesses} chunk
 * accesses long (the last play is cut short); the first 20% are warm-up.
 */
final class Traces {

  static final double WARMUP = 0.2;
  static final double FULL_PLAY = 0.7;

  private Traces() {}

  /** Independent track requests, tracks by Zipf(alpha) popularity. */
  static Trace zipf(Catalogue catalogue, double alpha, int accesses, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Zipf popularity = new Zipf(catalogue.tracks(), alpha, random);
    Player player = new Player(catalogue, accesses, random);
    int plays = 0;
    while (!player.full()) {
      player.play(popularity.next(random));
      plays++;
    }
    double[] rates = new double[catalogue.chunks()];
    for (int track = 0; track < catalogue.tracks(); track++) {
      addPlayRates(catalogue, track, popularity.probability(track), rates);
    }
    return Trace.of(
        "zipf-" + alpha,
        String.format("%,d independent track plays, tracks by Zipf(%.1f) popularity", plays, alpha),
        player.chunks,
        rates,
        WARMUP);
  }

  /**
   * Listening sessions: an album drawn by Zipf(alpha) popularity over albums, its tracks played in
   * order, each whole or skipped early as in every play.
   */
  static Trace albums(Catalogue catalogue, double alpha, int accesses, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Zipf popularity = new Zipf(catalogue.albums(), alpha, random);
    Player player = new Player(catalogue, accesses, random);
    int sessions = 0;
    while (!player.full()) {
      int album = popularity.next(random);
      for (int i = 0; i < catalogue.trackCount(album) && !player.full(); i++) {
        player.play(catalogue.firstTrack(album) + i);
      }
      sessions++;
    }
    double[] rates = new double[catalogue.chunks()];
    for (int album = 0; album < catalogue.albums(); album++) {
      for (int i = 0; i < catalogue.trackCount(album); i++) {
        addPlayRates(
            catalogue, catalogue.firstTrack(album) + i, popularity.probability(album), rates);
      }
    }
    return Trace.of(
        "albums",
        String.format(
            "%,d album sessions over %,d albums of 8-14 tracks, albums by Zipf(%.1f) popularity",
            sessions, catalogue.albums(), alpha),
        player.chunks,
        rates,
        WARMUP);
  }

  /**
   * Adds to {@code rates} the expected accesses to each chunk of a track played with probability
   * {@code p}: chunk {@code i} of {@code n} is read by a whole play and by a skip that reaches it.
   */
  private static void addPlayRates(Catalogue catalogue, int track, double p, double[] rates) {
    int n = catalogue.chunkCount(track);
    for (int i = 0; i < n; i++) {
      double reached = FULL_PLAY + (1 - FULL_PLAY) * (n - 1 - i) / (n - 1);
      rates[catalogue.firstChunk(track) + i] += p * reached;
    }
  }

  /** Appends plays to a trace of fixed length. */
  private static final class Player {
    final Catalogue catalogue;
    final SplittableRandom random;
    final int[] chunks;
    int length;

    Player(Catalogue catalogue, int accesses, SplittableRandom random) {
      this.catalogue = catalogue;
      this.random = random;
      this.chunks = new int[accesses];
    }

    boolean full() {
      return length == chunks.length;
    }

    void play(int track) {
      int n = catalogue.chunkCount(track);
      int played = random.nextDouble() < FULL_PLAY ? n : 1 + random.nextInt(n - 1);
      int first = catalogue.firstChunk(track);
      for (int i = 0; i < played && !full(); i++) {
        chunks[length++] = first + i;
      }
    }
  }
}
