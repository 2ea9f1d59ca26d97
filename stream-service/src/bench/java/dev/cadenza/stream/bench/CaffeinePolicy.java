package dev.cadenza.stream.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The stream service's L1 policy: a real Caffeine cache (W-TinyLFU) bounded by bytes, built as the
 * service builds it, with maintenance run on the calling thread so that the replay does not depend
 * on a thread pool. On a miss the chunk is put, as the service does after reading it.
 *
 * <p>A {@link CaffeineVariant} changes the builder or the keys, for the variants table.
 */
final class CaffeinePolicy implements Policy {

  private final Cache<Object, byte[]> cache;
  private final Object[] keys;
  private final byte[][] values;

  CaffeinePolicy(Chunks chunks, long capacityBytes) {
    this(chunks, capacityBytes, CaffeineVariant.DEFAULT);
  }

  CaffeinePolicy(Chunks chunks, long capacityBytes, CaffeineVariant variant) {
    this.keys = chunks.keys(variant.hashShift());
    this.values = chunks.values;
    Caffeine<Object, Object> builder = Caffeine.newBuilder().executor(Runnable::run);
    int initialCapacity = variant.initialCapacity(capacityBytes, chunks.catalogue);
    if (initialCapacity > 0) {
      builder.initialCapacity(initialCapacity);
    }
    this.cache =
        variant.entryBound()
            ? builder.maximumSize(capacityBytes / Catalogue.CHUNK_BYTES).build()
            : builder
                .maximumWeight(capacityBytes)
                .weigher((Object k, byte[] v) -> v.length)
                .build();
  }

  @Override
  public boolean access(int chunk) {
    Object key = keys[chunk];
    if (cache.getIfPresent(key) != null) {
      return true;
    }
    cache.put(key, values[chunk]);
    return false;
  }

  /**
   * What Caffeine's policy looks like now, read from its internals by reflection (diagnostics
   * only): the frequency sketch's size and aging period, and the share of the maximum that the hill
   * climber gives the admission window.
   */
  Internals internals() {
    try {
      Field local = cache.getClass().getDeclaredField("cache");
      local.setAccessible(true);
      Object bounded = local.get(cache);
      Class<?> boundedClass = Class.forName("com.github.benmanes.caffeine.cache.BoundedLocalCache");
      Object sketch = call(boundedClass, bounded, "frequencySketch");
      Field table = sketch.getClass().getDeclaredField("table");
      Field sampleSize = sketch.getClass().getDeclaredField("sampleSize");
      table.setAccessible(true);
      sampleSize.setAccessible(true);
      long[] counters = (long[]) table.get(sketch);
      long maximum = (long) call(boundedClass, bounded, "maximum");
      long window = (long) call(boundedClass, bounded, "windowMaximum");
      return new Internals(
          cache.estimatedSize(),
          counters == null ? 0 : counters.length,
          sampleSize.getInt(sketch),
          (double) window / maximum);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("Caffeine's internals are not where they were in 3.2", e);
    }
  }

  private static Object call(Class<?> type, Object target, String method)
      throws ReflectiveOperationException {
    Method m = type.getDeclaredMethod(method);
    m.setAccessible(true);
    return m.invoke(target);
  }

  /**
   * Caffeine's state at the end of a replay.
   *
   * @param entries chunks cached
   * @param sketchLongs the sketch's table length (16 four-bit counters each)
   * @param sampleSize increments between two agings (halvings) of the sketch; also the hill
   *     climber's sample period
   * @param windowShare the admission window's share of the maximum
   */
  record Internals(long entries, int sketchLongs, int sampleSize, double windowShare) {}

  /**
   * Keys and values of every chunk of a catalogue, made once and shared by all the Caffeine runs. A
   * value is a dummy array of the chunk's real length (so the weigher is the service's {@code
   * v.length}), one array per distinct length: track sizes are whole KiB, so there are at most 256
   * lengths and about 32 MiB of arrays. Keys are {@link ChunkKey}s, or for a variant that groups
   * hashes {@link GroupedChunkKey}s, made on first use.
   */
  static final class Chunks {
    private final Catalogue catalogue;
    private final String[] trackIds;
    private final ChunkKey[] keys;
    private final byte[][] values;
    private final Map<Integer, Object[]> groupedKeys = new HashMap<>();

    Chunks(Catalogue catalogue) {
      this.catalogue = catalogue;
      trackIds = new String[catalogue.tracks()];
      keys = new ChunkKey[catalogue.chunks()];
      values = new byte[catalogue.chunks()][];
      Map<Integer, byte[]> byLength = new HashMap<>();
      for (int track = 0; track < catalogue.tracks(); track++) {
        trackIds[track] = trackId(track);
        for (int i = 0; i < catalogue.chunkCount(track); i++) {
          int chunk = catalogue.firstChunk(track) + i;
          keys[chunk] = new ChunkKey(trackIds[track], i);
          values[chunk] = byLength.computeIfAbsent(catalogue.chunkBytes(chunk), byte[]::new);
        }
      }
    }

    /** The keys: {@link ChunkKey}s for shift -1, else hashes grouped by {@code index >> shift}. */
    synchronized Object[] keys(int shift) {
      if (shift < 0) {
        return keys;
      }
      return groupedKeys.computeIfAbsent(
          shift,
          s -> {
            Object[] grouped = new Object[keys.length];
            for (int track = 0; track < catalogue.tracks(); track++) {
              for (int i = 0; i < catalogue.chunkCount(track); i++) {
                grouped[catalogue.firstChunk(track) + i] =
                    new GroupedChunkKey(trackIds[track], i, s);
              }
            }
            return grouped;
          });
    }

    /** An id like the service's: base64url of 12 bytes of a digest (here of the track number). */
    static String trackId(int track) {
      try {
        byte[] digest =
            MessageDigest.getInstance("SHA-256")
                .digest(("track-" + track).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 12));
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
