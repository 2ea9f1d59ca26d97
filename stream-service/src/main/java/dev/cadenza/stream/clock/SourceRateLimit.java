package dev.cadenza.stream.clock;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per source address for the SNTP responder: each source may send {@code burst}
 * requests at once and {@code perSecond} a second after that; past it, requests are dropped. The
 * table of sources is bounded (least recently seen evicted first), so a flood of spoofed source
 * addresses costs a fixed amount of memory; an evicted source comes back with a full bucket, which
 * only ever lets more through, never less. Not thread-safe: the responder's one thread uses it.
 */
final class SourceRateLimit {

  private final double perNano;
  private final double burst;
  private final int maxSources;
  private final LongSupplier nanoTime;
  private final Map<InetAddress, Bucket> buckets;

  /** Tokens left at one instant; refilled lazily on the source's next request. */
  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  SourceRateLimit(int perSecond, int burst, int maxSources, LongSupplier nanoTime) {
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.maxSources = maxSources;
    this.nanoTime = nanoTime;
    // access order: the least recently seen source is the first one out
    this.buckets =
        new LinkedHashMap<>(16, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > SourceRateLimit.this.maxSources;
          }
        };
  }

  /** Whether a request from {@code source} may be answered now; takes a token when it may. */
  boolean tryAcquire(InetAddress source) {
    long now = nanoTime.getAsLong();
    Bucket bucket = buckets.get(source);
    if (bucket == null) {
      bucket = new Bucket(burst, now);
      buckets.put(source, bucket);
    } else {
      bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perNano);
      bucket.at = now;
    }
    if (bucket.tokens < 1) {
      return false;
    }
    bucket.tokens -= 1;
    return true;
  }

  /** Sources in the table now. */
  int sources() {
    return buckets.size();
  }
}
