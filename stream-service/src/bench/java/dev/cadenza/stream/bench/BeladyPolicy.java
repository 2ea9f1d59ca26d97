package dev.cadenza.stream.bench;

import java.util.TreeSet;

/**
 * Bélády's offline policy: on overflow, evict the cached chunk whose next use is farthest in the
 * future (a chunk never used again first). The missed chunk itself is a candidate, so a chunk
 * needed later than everything cached is not kept. With equal sizes this is the optimal hit ratio;
 * with sizes it is a heuristic (optimal byte hit ratio with sizes is NP-hard) and an approximate
 * upper bound, close here since only the last chunk of each track is short.
 */
final class BeladyPolicy implements Policy {

  private final Catalogue catalogue;
  private final Trace trace;
  private final long capacityBytes;
  private final boolean[] cached;

  /** The next-use time of every cached chunk; times are distinct (see {@link Trace}). */
  private final TreeSet<Integer> nextUses = new TreeSet<>();

  private long usedBytes;
  private int now;

  BeladyPolicy(Catalogue catalogue, Trace trace, long capacityBytes) {
    this.catalogue = catalogue;
    this.trace = trace;
    this.capacityBytes = capacityBytes;
    this.cached = new boolean[catalogue.chunks()];
  }

  @Override
  public boolean access(int chunk) {
    int t = now++;
    if (trace.chunks()[t] != chunk) {
      throw new IllegalStateException("Bélády replays its own trace, in order");
    }
    boolean hit = cached[chunk];
    if (hit) {
      nextUses.remove(t); // a cached chunk's next use is now
    } else {
      cached[chunk] = true;
      usedBytes += catalogue.chunkBytes(chunk);
    }
    nextUses.add(trace.nextUse()[t]);
    while (usedBytes > capacityBytes) {
      int victim = chunkUsedAt(nextUses.pollLast());
      cached[victim] = false;
      usedBytes -= catalogue.chunkBytes(victim);
    }
    return hit;
  }

  private int chunkUsedAt(int time) {
    return time < trace.length() ? trace.chunks()[time] : time - trace.length();
  }
}
