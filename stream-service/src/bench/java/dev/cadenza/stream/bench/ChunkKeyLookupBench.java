package dev.cadenza.stream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: a rough (JMH-free) measure of what a chunk key whose hashCode groups chunks costs the
 * map lookups of L1. Caffeine's frequency sketch and its ConcurrentHashMap both hash {@code
 * key.hashCode()}, so a hash shared by a group of chunks puts the group's cached chunks in one bin:
 * a lookup then runs {@code equals} down a list (up to 8 keys) or, from 9 keys on, a tree bin,
 * which without {@link Comparable} keys falls back to searching both subtrees.
 *
 * <p>Keys are shaped like the service's {@code ChunkKey(trackId, version, variant, index)}; every
 * lookup uses a fresh, equal key whose version is a new String, as {@code ChunkKey.of} makes one
 * per request ({@code etag.substring}), so {@code equals} compares characters. Single-threaded,
 * uniform random lookups of present keys, after a warm-up; the median of a few rounds.
 *
 * <p>Run: {@code ./mvnw -o -q -pl stream-service -am test -Dtest=ChunkKeyLookupBench
 * -Dsurefire.failIfNoSpecifiedTests=false -Dspotless.check.skip=true -Dcadenza.bench=true}.
 * Settings: {@code cadenza.bench.lookupTracks} (2,000 tracks of 24 chunks, 48,000 keys: about what
 * a 12 GiB L1 holds).
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class ChunkKeyLookupBench {

  static final int CHUNKS_PER_TRACK = 24;
  static final int LOOKUPS = 1_000_000;
  static final int ROUNDS = 7;

  /** The service's key, as it is: a record, hashCode and equals over all four components. */
  record RecordKey(String trackId, String version, String variant, int index) {}

  /**
   * A key equal to {@link RecordKey} whose hash only depends on the track and {@code index >>
   * shift} (31: the track alone); equals compares the index first, the cheap mismatch within a
   * group.
   */
  static class GroupedKey {
    final String trackId;
    final String version;
    final String variant;
    final int index;
    final int hash;

    GroupedKey(String trackId, String version, String variant, int index, int shift) {
      this.trackId = trackId;
      this.version = version;
      this.variant = variant;
      this.index = index;
      this.hash =
          Objects.hash(trackId, version, variant) * 31 + (shift >= 31 ? 0 : index >>> shift);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof GroupedKey k
          && index == k.index
          && trackId.equals(k.trackId)
          && version.equals(k.version)
          && variant.equals(k.variant);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  /** {@link GroupedKey} ordered within a tree bin by index, so a tree bin is a real search tree. */
  static final class ComparableGroupedKey extends GroupedKey
      implements Comparable<ComparableGroupedKey> {
    ComparableGroupedKey(String trackId, String version, String variant, int index, int shift) {
      super(trackId, version, variant, index, shift);
    }

    @Override
    public int compareTo(ComparableGroupedKey o) {
      int c = Integer.compare(index, o.index);
      if (c == 0) {
        c = trackId.compareTo(o.trackId);
      }
      if (c == 0) {
        c = version.compareTo(o.version);
      }
      return c == 0 ? variant.compareTo(o.variant) : c;
    }
  }

  /** How to make a key from a track's id, a version string and an index. */
  interface KeyMaker {
    Object key(String trackId, String version, int index);
  }

  @Test
  void lookupCost() {
    int tracks = Integer.getInteger("cadenza.bench.lookupTracks", 2_000);
    String[] ids = new String[tracks];
    String[] etags = new String[tracks];
    for (int t = 0; t < tracks; t++) {
      ids[t] = CaffeinePolicy.Chunks.trackId(t);
      etags[t] = String.format(Locale.ROOT, "\"%016x-%x\"", 0x17a0000000000000L + 7919L * t, t);
    }
    List<String> names = new ArrayList<>();
    List<KeyMaker> makers = new ArrayList<>();
    names.add("record (service's ChunkKey)");
    makers.add((id, v, i) -> new RecordKey(id, v, "original", i));
    for (int shift : new int[] {2, 3, 31}) {
      String group = shift == 31 ? "track" : "track + index / " + (1 << shift);
      names.add("hash by " + group);
      makers.add((id, v, i) -> new GroupedKey(id, v, "original", i, shift));
      if (shift >= 3) {
        names.add("hash by " + group + ", Comparable");
        makers.add((id, v, i) -> new ComparableGroupedKey(id, v, "original", i, shift));
      }
    }

    SplittableRandom random = new SplittableRandom(42);
    int[] lookupTrack = new int[LOOKUPS];
    int[] lookupIndex = new int[LOOKUPS];
    for (int n = 0; n < LOOKUPS; n++) {
      lookupTrack[n] = random.nextInt(tracks);
      lookupIndex[n] = random.nextInt(CHUNKS_PER_TRACK);
    }
    List<ConcurrentHashMap<Object, byte[]>> maps = new ArrayList<>();
    List<Function<Object, byte[]>> gets = new ArrayList<>(); // per kind: map, then Caffeine
    for (KeyMaker maker : makers) {
      ConcurrentHashMap<Object, byte[]> map = new ConcurrentHashMap<>();
      Cache<Object, byte[]> cache =
          Caffeine.newBuilder()
              .maximumWeight(Long.MAX_VALUE / 2)
              .weigher((Object key, byte[] v) -> 1)
              .executor(Runnable::run)
              .build();
      byte[] value = new byte[1];
      for (int t = 0; t < tracks; t++) {
        for (int i = 0; i < CHUNKS_PER_TRACK; i++) {
          Object key = maker.key(ids[t], version(etags[t]), i);
          map.put(key, value);
          cache.put(key, value);
        }
      }
      maps.add(map);
      gets.add(map::get);
      gets.add(cache::getIfPresent);
    }
    // Rounds interleave the kinds, so that load from elsewhere on the machine hits them alike.
    double[][] ns = new double[makers.size() * 3][ROUNDS + 1];
    for (int r = 0; r <= ROUNDS; r++) { // round 0 warms up
      for (int k = 0; k < makers.size(); k++) {
        KeyMaker maker = makers.get(k);
        ns[3 * k][r] = round(maker, key -> value(key), ids, etags, lookupTrack, lookupIndex);
        ns[3 * k + 1][r] = round(maker, gets.get(2 * k), ids, etags, lookupTrack, lookupIndex);
        ns[3 * k + 2][r] = round(maker, gets.get(2 * k + 1), ids, etags, lookupTrack, lookupIndex);
      }
    }
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%n# Chunk key lookup cost: %,d keys (%,d tracks x %d chunks), %,d lookups a round,"
                + " median of %d rounds, ns per lookup%n%n",
            tracks * CHUNKS_PER_TRACK,
            tracks,
            CHUNKS_PER_TRACK,
            LOOKUPS,
            ROUNDS));
    out.append(
        "| key | make key + hashCode | ConcurrentHashMap.get | Caffeine getIfPresent | largest"
            + " bin |\n");
    out.append("|---|--:|--:|--:|--:|\n");
    for (int k = 0; k < makers.size(); k++) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %.0f | %.0f | %d |%n",
              names.get(k),
              median(ns[3 * k]),
              median(ns[3 * k + 1]),
              median(ns[3 * k + 2]),
              largestBin(maps.get(k).keySet())));
    }
    out.append(
        "\nThe lookup columns include making the key (a new record and version String per"
            + " lookup, as ChunkKey.of does); the first column is that part alone.\n");
    System.out.print(out);
    System.out.flush();
  }

  private static final byte[] FOUND = new byte[1];

  /** Stands for a lookup that finds everything: the key's hashCode only. */
  private static byte[] value(Object key) {
    return key.hashCode() == 0x7fffffff ? null : FOUND;
  }

  /** As the service makes it: the ETag without its quotes, a new String per call. */
  private static String version(String etag) {
    return etag.substring(1, etag.length() - 1);
  }

  /** Nanoseconds per lookup over one round of lookups, each with a freshly made key. */
  private static double round(
      KeyMaker maker,
      Function<Object, byte[]> get,
      String[] ids,
      String[] etags,
      int[] lookupTrack,
      int[] lookupIndex) {
    long found = 0;
    long start = System.nanoTime();
    for (int n = 0; n < LOOKUPS; n++) {
      int t = lookupTrack[n];
      if (get.apply(maker.key(ids[t], version(etags[t]), lookupIndex[n])) != null) {
        found++;
      }
    }
    double ns = (System.nanoTime() - start) / (double) LOOKUPS;
    assertEquals(LOOKUPS, found);
    return ns;
  }

  /** The median of the measured rounds (all but the first). */
  private static double median(double[] rounds) {
    double[] measured = Arrays.copyOfRange(rounds, 1, rounds.length);
    Arrays.sort(measured);
    return measured[measured.length / 2];
  }

  /** The most keys sharing one ConcurrentHashMap bin (same spread hash modulo the table size). */
  private static int largestBin(Set<Object> keys) {
    int table = Integer.highestOneBit(Math.max(1, keys.size() * 4 / 3 - 1)) << 1;
    Map<Integer, Integer> bins = new HashMap<>();
    int largest = 0;
    for (Object key : keys) {
      int h = key.hashCode();
      int bin = (h ^ (h >>> 16)) & (table - 1);
      largest = Math.max(largest, bins.merge(bin, 1, Integer::sum));
    }
    return largest;
  }
}
