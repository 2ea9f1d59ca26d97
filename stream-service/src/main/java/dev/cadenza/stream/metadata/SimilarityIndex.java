package dev.cadenza.stream.metadata;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * The embedded tracks of one catalogue snapshot, searchable by similarity. Immutable; {@link
 * TrackEmbeddings} builds a new one when the catalogue or its embeddings change.
 *
 * <p>Up to {@code exactMaxTracks} tracks a search is exact: the cosine of the query with every
 * track. Beyond, it is two-step: the {@code candidates} tracks whose binary codes are nearest by
 * Hamming distance (6 XOR-and-count words per track), re-ranked by cosine. docs/metadata.md gives
 * the measured recall of both.
 */
final class SimilarityIndex {

  /** How a search was answered. */
  enum Method {
    EXACT("exact"),
    CODES("codes+rerank");

    private final String label;

    Method(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  record Result(List<ScoredTrack> tracks, Method method) {}

  static final SimilarityIndex EMPTY =
      new SimilarityIndex(Catalog.EMPTY, new Track[0], new TrackVector[0], 0, 1);

  private final Catalog catalog;
  private final Track[] tracks;
  private final TrackVector[] vectors;
  private final Map<String, Integer> position;

  /** Every track's code words, one after the other: a scan reads memory in order. */
  private final long[] codes;

  private final int words;
  private final int exactMaxTracks;
  private final int candidates;

  private SimilarityIndex(
      Catalog catalog, Track[] tracks, TrackVector[] vectors, int exactMaxTracks, int candidates) {
    this.catalog = catalog;
    this.tracks = tracks;
    this.vectors = vectors;
    this.exactMaxTracks = exactMaxTracks;
    this.candidates = candidates;
    this.position = new HashMap<>(tracks.length * 2);
    for (int i = 0; i < tracks.length; i++) {
      position.put(tracks[i].id(), i);
    }
    this.words = vectors.length == 0 ? 0 : vectors[0].codeWords().length;
    this.codes = new long[tracks.length * words];
    for (int i = 0; i < tracks.length; i++) {
      System.arraycopy(vectors[i].codeWords(), 0, codes, i * words, words);
    }
  }

  /** The tracks of {@code catalog} that {@code vectorOf} has a vector for. */
  static SimilarityIndex of(
      Catalog catalog, Function<Track, TrackVector> vectorOf, int exactMaxTracks, int candidates) {
    List<Track> with = new ArrayList<>(catalog.tracks().size());
    List<TrackVector> vs = new ArrayList<>(catalog.tracks().size());
    for (Track t : catalog.tracks()) {
      TrackVector v = vectorOf.apply(t);
      if (v != null) {
        with.add(t);
        vs.add(v);
      }
    }
    return new SimilarityIndex(
        catalog,
        with.toArray(Track[]::new),
        vs.toArray(TrackVector[]::new),
        exactMaxTracks,
        candidates);
  }

  Catalog catalog() {
    return catalog;
  }

  /** Tracks with a vector. */
  int size() {
    return tracks.length;
  }

  /** The vector of this track, if it is in the index with the same metadata. */
  Optional<TrackVector> vector(Track track) {
    Integer i = position.get(track.id());
    if (i == null || !tracks[i].fileTags().equals(track.fileTags())) {
      return Optional.empty();
    }
    return Optional.of(vectors[i]);
  }

  /**
   * The {@code limit} tracks most similar to {@code query} (itself left out), most similar first,
   * ties by path. Empty when the query has no vector here.
   */
  Optional<Result> similar(Track query, int limit) {
    Integer q = position.get(query.id());
    if (q == null || !tracks[q].fileTags().equals(query.fileTags())) {
      return Optional.empty();
    }
    TrackVector v = vectors[q];
    int n = tracks.length;
    if (n <= exactMaxTracks) {
      int[] all = new int[n];
      for (int i = 0; i < n; i++) {
        all[i] = i;
      }
      return Optional.of(new Result(rank(v, all, q, limit), Method.EXACT));
    }
    return Optional.of(
        new Result(
            rank(v, nearestCodes(v, q, Math.max(candidates, limit)), q, limit), Method.CODES));
  }

  /** Indexes of the {@code k} codes nearest to {@code v}'s, leaving out {@code self}. */
  private int[] nearestCodes(TrackVector v, int self, int k) {
    int n = tracks.length;
    int bits = v.dimensions() + 1;
    // counting sort by distance: distances are small integers
    int[] distance = new int[n];
    int[] count = new int[bits + 1];
    long[] q = v.codeWords();
    for (int i = 0, at = 0; i < n; i++, at += words) {
      int d = 0;
      for (int w = 0; w < words; w++) {
        d += Long.bitCount(q[w] ^ codes[at + w]);
      }
      distance[i] = i == self ? bits : d;
      count[distance[i]]++;
    }
    int cut = 0;
    int taken = 0;
    while (cut < bits && taken + count[cut] < k) {
      taken += count[cut];
      cut++;
    }
    // every index closer than cut, and enough at distance cut to make k (in index order)
    int[] out = new int[Math.min(k, n - 1)];
    int o = 0;
    int atCut = Math.min(k, n - 1) - taken;
    for (int i = 0; i < n && o < out.length; i++) {
      if (distance[i] < cut) {
        out[o++] = i;
      } else if (distance[i] == cut && cut < bits && atCut > 0) {
        out[o++] = i;
        atCut--;
      }
    }
    return o == out.length ? out : Arrays.copyOf(out, o);
  }

  /**
   * The {@code limit} of {@code indexes} (other than {@code self}) most similar to {@code v}, most
   * similar first, ties by path: a bounded heap, not a sort of them all.
   */
  private List<ScoredTrack> rank(TrackVector v, int[] indexes, int self, int limit) {
    Comparator<Candidate> worstFirst =
        Comparator.comparingDouble(Candidate::similarity)
            .thenComparing(c -> tracks[c.index()].path(), Comparator.reverseOrder());
    PriorityQueue<Candidate> best =
        new PriorityQueue<>(Math.min(limit, indexes.length) + 1, worstFirst);
    for (int i : indexes) {
      if (i == self) {
        continue;
      }
      Candidate c = new Candidate(i, v.cosine(vectors[i]));
      if (best.size() < limit) {
        best.add(c);
      } else if (worstFirst.compare(c, best.peek()) > 0) {
        best.poll();
        best.add(c);
      }
    }
    ScoredTrack[] out = new ScoredTrack[best.size()];
    for (int o = out.length - 1; o >= 0; o--) {
      Candidate c = best.poll();
      out[o] = new ScoredTrack(tracks[c.index()], c.similarity());
    }
    return List.of(out);
  }

  private record Candidate(int index, double similarity) {}
}
