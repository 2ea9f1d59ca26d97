package dev.cadenza.stream.bench;

import java.util.Arrays;

/**
 * A request trace: the chunk ids accessed, in order. The first {@code warmup} accesses fill the
 * caches and are not counted. {@code nextUse[t]} is the index of the next access to the chunk
 * accessed at {@code t} or, when there is none, {@code length + chunk}: past the end and distinct
 * per chunk, so that every cached chunk has its own next-use time (Bélády's eviction key). {@code
 * expectedRates[chunk]} is proportional to the probability that an access is to that chunk, from
 * the generator's own popularity model (not from this sample of it).
 */
record Trace(
    String name,
    String description,
    int[] chunks,
    int[] nextUse,
    int warmup,
    double[] expectedRates) {

  static Trace of(
      String name, String description, int[] chunks, double[] expectedRates, double warmup) {
    int chunkIds = expectedRates.length;
    int[] nextUse = new int[chunks.length];
    int[] seenAt = new int[chunkIds];
    Arrays.fill(seenAt, -1);
    for (int t = chunks.length - 1; t >= 0; t--) {
      int chunk = chunks[t];
      nextUse[t] = seenAt[chunk] >= 0 ? seenAt[chunk] : chunks.length + chunk;
      seenAt[chunk] = t;
    }
    return new Trace(
        name, description, chunks, nextUse, (int) (chunks.length * warmup), expectedRates);
  }

  int length() {
    return chunks.length;
  }
}
