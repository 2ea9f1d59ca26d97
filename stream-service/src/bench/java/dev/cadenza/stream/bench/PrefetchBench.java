package dev.cadenza.stream.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: what predictive prefetch (docs/caching.md#predictive-prefetch) gains on listening
 * sessions and costs on random traffic. Run with bench/prefetch.sh.
 *
 * <p>It replays seeded traces over the simulated catalogue of {@link CacheSimulatorBench} (10,000
 * tracks, 256 KiB chunks, albums of 8-14 tracks) through the L1 policy as the service builds it
 * (real Caffeine, W-TinyLFU, bounded by bytes, sketch presized 8x), without and with prefetch, at
 * several cache sizes. The prefetcher is <b>simulated</b>, not the Spring component: the same
 * policy (at each track start, the first {@code chunks} chunks of the {@code tracks} likely next
 * tracks: the album's next, then the most similar, then the album's following; chunks in L1
 * skipped; unread prefetched chunks beside Caffeine, never above {@code max-share} of L1, the
 * oldest displaced by a new one (waste); a read makes a chunk a prefetch hit), but a prefetched
 * chunk is in L1 at once, where the service loads it in the background (a chunk needed within
 * milliseconds of the start would be a miss there, a hit here).
 *
 * <p>Traces: {@code listeners} listeners at once, their chunk reads interleaved at random (one
 * pod's traffic). A play reads a track from chunk 0, whole (70%) or a prefix (skipped), as in
 * {@link Traces}.
 *
 * <ul>
 *   <li>{@code sessions}: a listener picks an album by Zipf(0.9) popularity, starts at its first
 *       track (70%) or any track, and plays on in album order; after each play the session ends
 *       (8%), or jumps to one of the 3 tracks most similar to the one just played (15%, and always
 *       at the album's end), else goes on with the album. Similar means same artist (4 consecutive
 *       albums), other album, ranked by a fixed pseudo-random score.
 *   <li>{@code random}: every play an independent track by Zipf(0.8) popularity, as {@code
 *       zipf-0.8} of the cache simulator: nothing prefetch predicts is likelier than any other
 *       track.
 * </ul>
 *
 * <p>Modes: {@code off}; {@code on}, the policy as built; {@code caffeine}, a variant that is not
 * built (see {@link Mode#L1}), to show what W-TinyLFU's admission would cost prefetch.
 *
 * <p>Settings (system properties): {@code cadenza.bench.accesses} chunk reads per trace
 * (2,000,000), {@code cadenza.bench.seed} (42), {@code cadenza.bench.listeners} (50), {@code
 * cadenza.bench.sizes} (0.01,0.02,0.05,0.1), {@code cadenza.bench.modes} (off,on,caffeine), {@code
 * cadenza.bench.prefetch.tracks} (2), {@code .chunks} (2), {@code .maxShare} (0.1), {@code
 * cadenza.bench.threads} (processors).
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class PrefetchBench {

  static final int TRACKS = 10_000;
  static final int ALBUMS_PER_ARTIST = 4;
  static final int SIMILAR = 3;
  static final double[] JUMP_WEIGHTS = {0.6, 0.25, 0.15};
  static final double SESSION_END = 0.08;
  static final double JUMP = 0.15;
  static final double FIRST_TRACK = 0.7;

  /** How a replay prefetches. */
  enum Mode {
    /** No prefetch. */
    OFF("off"),
    /**
     * A variant, not built (the first design): prefetched chunks go into Caffeine like any chunk; a
     * prefetch is refused while unread ones take the share; an evicted unread one is waste.
     */
    L1("caffeine"),
    /**
     * As built: unread prefetched chunks wait in a FIFO of at most the share, beside Caffeine
     * (whose maximum shrinks by what they weigh, so the total stays within the bound), and enter
     * Caffeine when first read; a new prefetch displaces the oldest unread (waste).
     */
    BUFFER("on");

    final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  @Test
  void prefetchGainAndCost() throws Exception {
    int accesses = Integer.getInteger("cadenza.bench.accesses", 2_000_000);
    long seed = Long.getLong("cadenza.bench.seed", 42);
    int listeners = Integer.getInteger("cadenza.bench.listeners", 50);
    int threads =
        Integer.getInteger("cadenza.bench.threads", Runtime.getRuntime().availableProcessors());
    double[] fractions =
        Arrays.stream(System.getProperty("cadenza.bench.sizes", "0.01,0.02,0.05,0.1").split(","))
            .mapToDouble(Double::parseDouble)
            .toArray();
    List<Mode> modes =
        Arrays.stream(System.getProperty("cadenza.bench.modes", "off,on,caffeine").split(","))
            .map(m -> Arrays.stream(Mode.values()).filter(x -> x.label.equals(m)).findFirst())
            .map(m -> m.orElseThrow(() -> new IllegalArgumentException("cadenza.bench.modes")))
            .toList();
    if (!modes.contains(Mode.OFF)) {
      throw new IllegalArgumentException("cadenza.bench.modes: off is the reference");
    }
    Settings settings =
        new Settings(
            Integer.getInteger("cadenza.bench.prefetch.tracks", 2),
            Integer.getInteger("cadenza.bench.prefetch.chunks", 2),
            Double.parseDouble(System.getProperty("cadenza.bench.prefetch.maxShare", "0.1")));
    long start = System.nanoTime();

    Catalogue catalogue = Catalogue.generate(TRACKS, seed);
    Similarity similarity = new Similarity(catalogue);
    CaffeinePolicy.Chunks chunks = new CaffeinePolicy.Chunks(catalogue);
    List<Workload> workloads =
        List.of(
            sessions(catalogue, similarity, accesses, listeners, seed + 3),
            random(catalogue, accesses, listeners, seed + 1));

    ExecutorService pool = Executors.newFixedThreadPool(threads);
    Map<String, Future<Outcome>> pending = new HashMap<>();
    try {
      for (Workload w : workloads) {
        for (double f : fractions) {
          long capacity = Math.round(catalogue.totalBytes() * f);
          for (Mode mode : modes) {
            pending.put(
                key(w, f, mode),
                pool.submit(
                    () -> replay(catalogue, chunks, similarity, w, capacity, settings, mode)));
          }
        }
      }
      StringBuilder out = new StringBuilder();
      out.append("# Predictive prefetch simulation\n\n");
      out.append(
          String.format(
              Locale.ROOT,
              "Catalogue: %,d tracks, %,d albums, %.1f GB in %,d chunks of 256 KiB. %,d chunk"
                  + " reads per trace (first 20%% warm-up, not counted), %d listeners"
                  + " interleaved. Prefetch: %d tracks x %d chunks per track start, max-share"
                  + " %.2f. L1: Caffeine %s, bounded by bytes, sketch presized as the service"
                  + " does. Modes: off; on (as built: unread prefetched chunks wait beside"
                  + " Caffeine, within the share, until read); caffeine (a variant, not built:"
                  + " prefetched chunks go into Caffeine and face its admission like any"
                  + " chunk).%n%n",
              catalogue.tracks(),
              catalogue.albums(),
              catalogue.totalBytes() / 1e9,
              catalogue.chunks(),
              accesses,
              listeners,
              settings.tracks(),
              settings.chunks(),
              settings.maxShare(),
              Caffeine.class.getPackage().getImplementationVersion()));
      for (Workload w : workloads) {
        out.append("## ").append(w.name()).append("\n\n").append(w.description()).append("\n\n");
        out.append(
            "| L1 size | mode | byte hit | Δ | start hit (chunk 0) | Δ | first 2 chunks hit"
                + " | Δ | starts hit by prefetch | origin bytes vs off | prefetched (of reads)"
                + " | read | wasted |\n");
        out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (double f : fractions) {
          Outcome off = get(pending.get(key(w, f, Mode.OFF)));
          for (Mode mode : modes) {
            Outcome o = get(pending.get(key(w, f, mode)));
            sanity(o);
            out.append(
                String.format(
                    Locale.ROOT,
                    "| %s%% (%.1f GB) | %s | %.3f | %+.3f | %.3f | %+.3f | %.3f | %+.3f | %.3f |"
                        + " %+.1f%% | %.1f GB (%.1f%%) | %.1f%% | %.1f%% |%n",
                    trim(f * 100),
                    catalogue.totalBytes() * f / 1e9,
                    mode.label,
                    o.byteHit(),
                    o.byteHit() - off.byteHit(),
                    o.startHit(),
                    o.startHit() - off.startHit(),
                    o.firstHit(),
                    o.firstHit() - off.firstHit(),
                    o.startPrefetchHit(),
                    100.0 * (o.originBytes() - off.originBytes()) / off.originBytes(),
                    o.prefetchedBytes() / 1e9,
                    100.0 * o.prefetchedBytes() / o.requestedBytes(),
                    100.0 * o.prefetchHits() / Math.max(1, o.prefetched()),
                    100.0 * o.wasted() / Math.max(1, o.prefetched())));
          }
        }
        out.append('\n');
      }
      out.append(
          String.format(
              Locale.ROOT,
              "Start hit: reads of chunk 0 of a track found in L1; starts hit by prefetch: those"
                  + " found as an unread prefetched chunk (the rest of the change in start hit"
                  + " is indirect: prefetch's writes raise the first chunks' counts in Caffeine's"
                  + " frequency sketch). Origin bytes: bytes read below L1, demand misses plus"
                  + " prefetch loads. Prefetched: bytes prefetch loaded, and their share of the"
                  + " bytes read; read: share of prefetched chunks read before eviction; wasted:"
                  + " evicted unread (the rest were unread in L1 at the end). %d threads, %.0f"
                  + " s.%n",
              threads,
              (System.nanoTime() - start) / 1e9));
      System.out.print(out);
      System.out.flush();
    } finally {
      pool.shutdownNow();
    }
  }

  private static String key(Workload w, double fraction, Mode mode) {
    return w.name() + '/' + fraction + '/' + mode;
  }

  private static String trim(double d) {
    return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
  }

  private static void sanity(Outcome o) {
    for (double r : new double[] {o.byteHit(), o.startHit(), o.firstHit(), o.startPrefetchHit()}) {
      assertTrue(r >= 0 && r <= 1, o.toString());
    }
    assertTrue(o.peakUnread() <= o.bound(), "the share bound broke: " + o);
  }

  private static <T> T get(Future<T> f) throws InterruptedException {
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("a replay failed", e.getCause());
    }
  }

  // ---- the prefetch policy

  record Settings(int tracks, int chunks, double maxShare) {}

  /**
   * One replay's counts after warm-up. Hit ratios: byte hit over all reads; start hit over reads of
   * chunk 0 of a track; first hit over reads of the first {@code chunks} chunks; start prefetch
   * hit: reads of chunk 0 that found it as an unread prefetched chunk, over reads of chunk 0.
   */
  record Outcome(
      double byteHit,
      double startHit,
      double firstHit,
      double startPrefetchHit,
      long requestedBytes,
      long originBytes,
      long prefetched,
      long prefetchedBytes,
      long prefetchHits,
      long wasted,
      long peakUnread,
      long bound) {}

  /** Replays a workload through Caffeine as L1, prefetching as {@code mode} says. */
  static Outcome replay(
      Catalogue catalogue,
      CaffeinePolicy.Chunks chunks,
      Similarity similarity,
      Workload w,
      long capacity,
      Settings settings,
      Mode mode) {
    Object[] keys = chunks.keys(-1);
    // prefetched, unread: by key, the chunk id (the weight is its length); insertion order
    LinkedHashMap<Object, Integer> unread = new LinkedHashMap<>();
    long[] unreadBytes = {0};
    long[] wasted = {0};
    boolean[] counting = {false};
    long bound = (long) Math.floor(capacity * settings.maxShare());
    Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run);
    int initialCapacity = CaffeineVariant.DEFAULT.initialCapacity(capacity, catalogue);
    if (initialCapacity > 0) {
      builder.initialCapacity(initialCapacity);
    }
    Cache<Object, byte[]> l1 =
        builder
            .maximumWeight(capacity)
            .weigher((Object k, byte[] v) -> v.length)
            .evictionListener(
                (Object k, byte[] v, RemovalCause cause) -> {
                  if (mode == Mode.L1 && unread.remove(k) != null) {
                    unreadBytes[0] -= v.length;
                    if (counting[0]) {
                      wasted[0]++;
                    }
                  }
                })
            .build();
    Policy.Eviction<Object, byte[]> eviction = l1.policy().eviction().orElseThrow();
    byte[][] values = new byte[catalogue.chunks()][];
    Map<Integer, byte[]> byLength = new HashMap<>();
    for (int c = 0; c < values.length; c++) {
      values[c] = byLength.computeIfAbsent(catalogue.chunkBytes(c), byte[]::new);
    }
    int[] trackOf = new int[catalogue.chunks()];
    for (int t = 0; t < catalogue.tracks(); t++) {
      for (int i = 0; i < catalogue.chunkCount(t); i++) {
        trackOf[catalogue.firstChunk(t) + i] = t;
      }
    }
    long requested = 0;
    long hitBytes = 0;
    long starts = 0;
    long startHits = 0;
    long startPrefetchHits = 0;
    long firsts = 0;
    long firstHits = 0;
    long origin = 0;
    long prefetched = 0;
    long prefetchedBytes = 0;
    long prefetchHits = 0;
    long peak = 0;
    int firstChunks = settings.chunks();
    int[] trace = w.chunks();
    for (int t = 0; t < trace.length; t++) {
      boolean count = t >= w.warmup();
      counting[0] = count;
      int chunk = trace[t];
      Object key = keys[chunk];
      int bytes = catalogue.chunkBytes(chunk);
      boolean hit = l1.getIfPresent(key) != null;
      boolean prefetchHit = false;
      if (mode == Mode.L1 && hit && unread.remove(key) != null) {
        unreadBytes[0] -= bytes;
        prefetchHit = true;
      }
      if (mode == Mode.BUFFER && !hit && unread.remove(key) != null) {
        // read from the buffer: it now enters Caffeine as a chunk a listener read
        unreadBytes[0] -= bytes;
        eviction.setMaximum(capacity - unreadBytes[0]);
        hit = true;
        prefetchHit = true;
        l1.put(key, values[chunk]);
      }
      if (!hit) {
        l1.put(key, values[chunk]);
      }
      int track = trackOf[chunk];
      int index = chunk - catalogue.firstChunk(track);
      if (count) {
        requested += bytes;
        hitBytes += hit ? bytes : 0;
        origin += hit ? 0 : bytes;
        prefetchHits += prefetchHit ? 1 : 0;
        if (index == 0) {
          starts++;
          startHits += hit ? 1 : 0;
          startPrefetchHits += prefetchHit ? 1 : 0;
        }
        if (index < firstChunks) {
          firsts++;
          firstHits += hit ? 1 : 0;
        }
      }
      if (mode == Mode.OFF || index != 0) {
        continue;
      }
      // a track start: prefetch the likely next tracks' first chunks
      for (int next : similarity.likelyNext(track, settings.tracks())) {
        int n = Math.min(settings.chunks(), catalogue.chunkCount(next));
        for (int i = 0; i < n; i++) {
          int c = catalogue.firstChunk(next) + i;
          Object k = keys[c];
          if (l1.asMap().containsKey(k) || unread.containsKey(k)) {
            continue;
          }
          int weight = catalogue.chunkBytes(c);
          if (mode == Mode.BUFFER) {
            // the oldest unread make room
            while (unreadBytes[0] + weight > bound && !unread.isEmpty()) {
              Map.Entry<Object, Integer> oldest = unread.entrySet().iterator().next();
              unread.remove(oldest.getKey());
              unreadBytes[0] -= catalogue.chunkBytes(oldest.getValue());
              if (count) {
                wasted[0]++;
              }
            }
          }
          if (unreadBytes[0] + weight > bound) {
            continue;
          }
          unreadBytes[0] += weight;
          peak = Math.max(peak, unreadBytes[0]);
          unread.put(k, c);
          if (mode == Mode.L1) {
            l1.put(k, values[c]);
          } else {
            eviction.setMaximum(capacity - unreadBytes[0]);
          }
          if (count) {
            prefetched++;
            prefetchedBytes += weight;
            origin += weight;
          }
        }
      }
    }
    return new Outcome(
        (double) hitBytes / requested,
        (double) startHits / starts,
        (double) firstHits / firsts,
        (double) startPrefetchHits / starts,
        requested,
        origin,
        prefetched,
        prefetchedBytes,
        prefetchHits,
        wasted[0],
        peak,
        bound);
  }

  // ---- similarity and traces

  /**
   * Synthetic similarity: an artist has {@link #ALBUMS_PER_ARTIST} consecutive albums; the tracks
   * most similar to a track are the artist's tracks on other albums, ranked by a fixed
   * pseudo-random score of the pair.
   */
  static final class Similarity {
    private final Catalogue catalogue;
    private final int[] albumOf;
    private final int[][] similar;

    Similarity(Catalogue catalogue) {
      this.catalogue = catalogue;
      albumOf = new int[catalogue.tracks()];
      for (int a = 0; a < catalogue.albums(); a++) {
        for (int i = 0; i < catalogue.trackCount(a); i++) {
          albumOf[catalogue.firstTrack(a) + i] = a;
        }
      }
      similar = new int[catalogue.tracks()][];
      for (int t = 0; t < catalogue.tracks(); t++) {
        int artist = albumOf[t] / ALBUMS_PER_ARTIST;
        List<long[]> scored = new ArrayList<>();
        for (int a = artist * ALBUMS_PER_ARTIST;
            a < Math.min(catalogue.albums(), (artist + 1) * ALBUMS_PER_ARTIST);
            a++) {
          if (a == albumOf[t]) {
            continue;
          }
          for (int i = 0; i < catalogue.trackCount(a); i++) {
            int u = catalogue.firstTrack(a) + i;
            scored.add(new long[] {score(t, u), u});
          }
        }
        scored.sort((x, y) -> Long.compare(y[0], x[0]));
        similar[t] = scored.stream().limit(SIMILAR).mapToInt(s -> (int) s[1]).toArray();
      }
    }

    private static long score(int t, int u) {
      long z = Math.min(t, u) * 0x9E3779B97F4A7C15L + Math.max(t, u);
      z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
      z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
      return (z ^ (z >>> 31)) >>> 1;
    }

    int albumOf(int track) {
      return albumOf[track];
    }

    /** The next track of the album, or -1 at its end. */
    int albumNext(int track) {
      int album = albumOf[track];
      int next = track + 1;
      return next < catalogue.firstTrack(album) + catalogue.trackCount(album) ? next : -1;
    }

    int[] similar(int track) {
      return similar[track];
    }

    /** As the service's LikelyNext: the album's next, the most similar, the album's following. */
    int[] likelyNext(int track, int limit) {
      int[] out = new int[limit];
      int n = 0;
      int next = albumNext(track);
      if (next >= 0 && n < limit) {
        out[n++] = next;
      }
      for (int s : similar[track]) {
        if (n >= limit) {
          break;
        }
        if (!contains(out, n, s)) {
          out[n++] = s;
        }
      }
      for (int u = next >= 0 ? albumNext(next) : -1; u >= 0 && n < limit; u = albumNext(u)) {
        if (!contains(out, n, u)) {
          out[n++] = u;
        }
      }
      return Arrays.copyOf(out, n);
    }

    private static boolean contains(int[] a, int n, int v) {
      for (int i = 0; i < n; i++) {
        if (a[i] == v) {
          return true;
        }
      }
      return false;
    }
  }

  /** A trace: the chunk ids read, in order; the first {@code warmup} are not counted. */
  record Workload(String name, String description, int[] chunks, int warmup) {}

  /** What a listener plays next. */
  private interface Listener {
    /** The next track, or -1 when the listener leaves (a new one takes its place). */
    int next(SplittableRandom random);
  }

  /**
   * {@code listeners} listeners at once; each step one of them, at random, reads its next chunk. A
   * play reads chunk 0 on, whole (70%) or a prefix.
   */
  private static int[] interleave(
      Catalogue catalogue,
      int accesses,
      int listeners,
      SplittableRandom random,
      Supplier<Listener> arrivals) {
    Listener[] who = new Listener[listeners];
    int[] track = new int[listeners];
    int[] left = new int[listeners];
    int[] at = new int[listeners];
    int[] out = new int[accesses];
    for (int l = 0; l < listeners; l++) {
      who[l] = arrivals.get();
      left[l] = 0;
    }
    for (int i = 0; i < accesses; i++) {
      int l = random.nextInt(listeners);
      while (left[l] == 0) {
        int t = who[l].next(random);
        if (t < 0) {
          who[l] = arrivals.get();
          continue;
        }
        int n = catalogue.chunkCount(t);
        track[l] = t;
        at[l] = 0;
        left[l] = random.nextDouble() < Traces.FULL_PLAY ? n : 1 + random.nextInt(n - 1);
      }
      out[i] = catalogue.firstChunk(track[l]) + at[l]++;
      left[l]--;
    }
    return out;
  }

  static Workload sessions(
      Catalogue catalogue, Similarity similarity, int accesses, int listeners, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Zipf albums = new Zipf(catalogue.albums(), 0.9, random);
    long[] sessions = {0};
    int[] chunks =
        interleave(
            catalogue,
            accesses,
            listeners,
            random,
            () -> {
              sessions[0]++;
              return new Listener() {
                int current = -1;

                @Override
                public int next(SplittableRandom r) {
                  if (current < 0) {
                    int album = albums.next(r);
                    current =
                        catalogue.firstTrack(album)
                            + (r.nextDouble() < FIRST_TRACK
                                ? 0
                                : r.nextInt(catalogue.trackCount(album)));
                    return current;
                  }
                  if (r.nextDouble() < SESSION_END) {
                    return -1;
                  }
                  int next = similarity.albumNext(current);
                  if (next < 0 || r.nextDouble() < JUMP) {
                    int[] similar = similarity.similar(current);
                    if (similar.length == 0) {
                      return -1;
                    }
                    double u = r.nextDouble();
                    int pick = 0;
                    for (double acc = JUMP_WEIGHTS[0];
                        u > acc && pick < similar.length - 1;
                        acc += JUMP_WEIGHTS[++pick]) {
                      // pick by weight
                    }
                    next = similar[pick];
                  }
                  current = next;
                  return current;
                }
              };
            });
    return new Workload(
        "sessions",
        String.format(
            Locale.ROOT,
            "Listening sessions (%,d): an album by Zipf(0.9) popularity, from its first track"
                + " (70%%) or any, played in order; after each play the session ends (8%%) or"
                + " jumps to one of the 3 most similar tracks (15%%, and at the album's end).",
            sessions[0]),
        chunks,
        (int) (accesses * Traces.WARMUP));
  }

  static Workload random(Catalogue catalogue, int accesses, int listeners, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Zipf tracks = new Zipf(catalogue.tracks(), 0.8, random);
    int[] chunks = interleave(catalogue, accesses, listeners, random, () -> r -> tracks.next(r));
    return new Workload(
        "random",
        "Random plays: every play an independent track by Zipf(0.8) popularity (no album"
            + " order, no similarity); prefetch's guesses are no likelier than any track.",
        chunks,
        (int) (accesses * Traces.WARMUP));
  }
}
