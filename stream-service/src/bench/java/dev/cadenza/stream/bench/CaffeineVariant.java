package dev.cadenza.stream.bench;

import dev.cadenza.stream.cache.ChunkCache;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A variation of the L1 policy's Caffeine setup, for the report's variants table. Named by a spec
 * of {@code +}-separated settings ({@code default} for none):
 *
 * <ul>
 *   <li>{@code ic-<k>x}: {@code initialCapacity(k * capacity / chunk size)}, k times the number of
 *       full chunks the cache holds. For a weighted cache Caffeine sizes its frequency sketch by
 *       the entry count (when the cache is half full, again each time the count passes the sketch's
 *       power of two, forgetting the counts each time) unless initialCapacity sized it larger at
 *       construction; the sketch ages (halves its counters) every 10 x its size in increments.
 *   <li>{@code ic-library}: initialCapacity of the catalogue's chunk count.
 *   <li>{@code size}: {@code maximumSize(capacity / chunk size)}, an entry bound instead of a byte
 *       bound, without a weigher (a short last chunk then costs a whole chunk). Caffeine sizes the
 *       sketch of an unweighted cache by its maximum.
 *   <li>{@code hash-track}, {@code hash-idx<n>}: keys whose hashCode groups a track's chunks, the
 *       whole track or n consecutive chunks ({@link GroupedChunkKey}).
 * </ul>
 *
 * @param initialCapacityMultiple k of {@code ic-<k>x}, 0 for none, -1 for {@code ic-library}
 * @param hashShift chunks grouped per hash as a shift ({@code hash-idx4} is 2, track is 31), or -1
 */
record CaffeineVariant(
    String name, double initialCapacityMultiple, boolean entryBound, int hashShift) {

  /** The L1 as ChunkCache builds it: the sketch presized to SKETCH_FACTOR x the chunks held. */
  static final CaffeineVariant DEFAULT =
      new CaffeineVariant(
          "production (ic-" + ChunkCache.SKETCH_FACTOR + "x)", ChunkCache.SKETCH_FACTOR, false, -1);

  static CaffeineVariant parse(String spec) {
    String name = spec.trim();
    double ic = 0;
    boolean entryBound = false;
    int shift = -1;
    if (!name.equals("default")) { // "default": Caffeine as it comes, sketch sized by entries
      for (String part : name.split("\\+")) {
        if (part.equals("ic-library")) {
          ic = -1;
        } else if (part.startsWith("ic-") && part.endsWith("x")) {
          ic = Double.parseDouble(part.substring(3, part.length() - 1));
        } else if (part.equals("size")) {
          entryBound = true;
        } else if (part.equals("hash-track")) {
          shift = 31;
        } else if (part.startsWith("hash-idx")) {
          int n = Integer.parseInt(part.substring("hash-idx".length()));
          if (Integer.bitCount(n) != 1) {
            throw new IllegalArgumentException("hash-idx<n>: n a power of two, in " + spec);
          }
          shift = Integer.numberOfTrailingZeros(n);
        } else {
          throw new IllegalArgumentException("unknown Caffeine variant setting " + part);
        }
      }
    }
    return new CaffeineVariant(name, ic, entryBound, shift);
  }

  /** Variants from a comma-separated list of specs; none for an empty list. */
  static List<CaffeineVariant> parseAll(String specs) {
    List<CaffeineVariant> variants = new ArrayList<>();
    for (String spec : specs.split(",")) {
      if (!spec.isBlank()) {
        variants.add(parse(spec));
      }
    }
    return variants;
  }

  /** The initialCapacity to build with, or 0 for none. */
  int initialCapacity(long capacityBytes, Catalogue catalogue) {
    if (initialCapacityMultiple < 0) {
      return catalogue.chunks();
    }
    return (int) Math.round(initialCapacityMultiple * capacityBytes / Catalogue.CHUNK_BYTES);
  }

  /** What the variant's builder calls are, in words. */
  String description() {
    List<String> parts = new ArrayList<>();
    parts.add(entryBound ? "maximumSize(capacity / chunk)" : "maximumWeight + weigher");
    if (initialCapacityMultiple < 0) {
      parts.add("initialCapacity(catalogue chunks)");
    } else if (initialCapacityMultiple > 0) {
      parts.add(
          String.format(
              Locale.ROOT,
              "initialCapacity(%s x capacity / chunk)",
              trim(initialCapacityMultiple)));
    }
    if (hashShift == 31) {
      parts.add("key hash by track");
    } else if (hashShift >= 0) {
      parts.add("key hash by track + index / " + (1 << hashShift));
    }
    return String.join(", ", parts);
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }
}
