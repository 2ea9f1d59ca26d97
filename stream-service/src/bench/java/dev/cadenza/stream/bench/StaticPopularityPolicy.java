package dev.cadenza.stream.bench;

import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Static popularity: a fixed cache holding the most popular chunks. For independent requests this
 * is the best an online policy can do in the long run. Two rankings:
 *
 * <ul>
 *   <li>{@link #counted}: by request count over the measured part of the trace, the reported
 *       baseline. An oracle: it knows this sample's frequencies, sampling noise included, so on a
 *       finite trace it is a little better than any policy that only knows the popularity model.
 *   <li>{@link #expected}: by the generator's true probabilities, which no sample noise helps.
 * </ul>
 *
 * <p>Filled greedily by rank, skipping a chunk that no longer fits (a smaller one may). For the
 * byte hit ratio every byte of a chunk is worth the chunk's popularity, so greedy by popularity is
 * the optimal fractional knapsack, short of at most one chunk's worth of capacity; sizes barely
 * vary anyway (only the last chunk of a track is short).
 */
final class StaticPopularityPolicy implements Policy {

  private final boolean[] cached;

  private StaticPopularityPolicy(Catalogue catalogue, double[] popularity, long capacityBytes) {
    cached = new boolean[catalogue.chunks()];
    int[] ranked =
        IntStream.range(0, popularity.length)
            .filter(chunk -> popularity[chunk] > 0)
            .boxed()
            .sorted(Comparator.comparingDouble((Integer chunk) -> -popularity[chunk]))
            .mapToInt(Integer::intValue)
            .toArray();
    long used = 0;
    for (int chunk : ranked) {
      if (used + catalogue.chunkBytes(chunk) <= capacityBytes) {
        cached[chunk] = true;
        used += catalogue.chunkBytes(chunk);
      }
    }
  }

  static StaticPopularityPolicy counted(Catalogue catalogue, Trace trace, long capacityBytes) {
    double[] counts = new double[catalogue.chunks()];
    for (int t = trace.warmup(); t < trace.length(); t++) {
      counts[trace.chunks()[t]]++;
    }
    return new StaticPopularityPolicy(catalogue, counts, capacityBytes);
  }

  static StaticPopularityPolicy expected(Catalogue catalogue, Trace trace, long capacityBytes) {
    return new StaticPopularityPolicy(catalogue, trace.expectedRates(), capacityBytes);
  }

  @Override
  public boolean access(int chunk) {
    return cached[chunk];
  }
}
