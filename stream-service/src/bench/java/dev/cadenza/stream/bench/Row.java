package dev.cadenza.stream.bench;

/**
 * Byte hit ratios (0 to 1) on one trace with one cache size: the four reported policies (L1 as the
 * mean of its runs, with their range), and static popularity ranked by the generator's true
 * probabilities (a check on the counted oracle).
 */
record Row(
    double fraction,
    long capacityBytes,
    double l1,
    double l1Min,
    double l1Max,
    double lru,
    double staticPopularity,
    double belady,
    double staticExpected) {}
