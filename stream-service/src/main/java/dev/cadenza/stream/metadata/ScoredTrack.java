package dev.cadenza.stream.metadata;

import dev.cadenza.stream.library.Track;

/**
 * A track found by similarity.
 *
 * @param similarity cosine similarity of its embedding to the query's, in [-1, 1]
 */
public record ScoredTrack(Track track, double similarity) {}
