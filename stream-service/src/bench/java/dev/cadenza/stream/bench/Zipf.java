package dev.cadenza.stream.bench;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Zipf(alpha) popularity over {@code n} items: the item of rank {@code r} (1-based) is drawn with
 * probability proportional to {@code 1 / r^alpha}. Ranks are dealt to items by a seeded shuffle, so
 * popularity is unrelated to the item's id (and to its neighbours').
 */
final class Zipf {

  private final double[] cdf; // by rank
  private final int[] itemOfRank;
  private final double[] probabilityOfItem;

  Zipf(int n, double alpha, SplittableRandom random) {
    cdf = new double[n];
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      sum += 1 / Math.pow(rank + 1, alpha);
      cdf[rank] = sum;
    }
    for (int rank = 0; rank < n; rank++) {
      cdf[rank] /= sum;
    }
    itemOfRank = new int[n];
    for (int i = 0; i < n; i++) {
      itemOfRank[i] = i;
    }
    for (int i = n - 1; i > 0; i--) { // Fisher-Yates
      int j = random.nextInt(i + 1);
      int swap = itemOfRank[i];
      itemOfRank[i] = itemOfRank[j];
      itemOfRank[j] = swap;
    }
    probabilityOfItem = new double[n];
    for (int rank = 0; rank < n; rank++) {
      probabilityOfItem[itemOfRank[rank]] = cdf[rank] - (rank == 0 ? 0 : cdf[rank - 1]);
    }
  }

  /** The probability of drawing {@code item}. */
  double probability(int item) {
    return probabilityOfItem[item];
  }

  int next(SplittableRandom random) {
    int i = Arrays.binarySearch(cdf, random.nextDouble());
    int rank = i >= 0 ? i : -i - 1;
    return itemOfRank[Math.min(rank, itemOfRank.length - 1)];
  }
}
