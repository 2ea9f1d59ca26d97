package dev.cadenza.stream.bench;

/**
 * A cache policy under simulation. The simulator calls {@link #access} once per access of the
 * trace, in order; a policy caches on a miss as it sees fit, within its capacity in bytes.
 */
interface Policy {

  /** Whether the chunk was in the cache. */
  boolean access(int chunk);
}
