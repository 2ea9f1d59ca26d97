package dev.cadenza.stream.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
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
 */
final class CaffeinePolicy implements Policy {

  private final Cache<ChunkKey, byte[]> cache;
  private final Chunks chunks;

  CaffeinePolicy(Chunks chunks, long capacityBytes) {
    this.chunks = chunks;
    this.cache =
        Caffeine.newBuilder()
            .maximumWeight(capacityBytes)
            .weigher((ChunkKey k, byte[] v) -> v.length)
            .executor(Runnable::run)
            .build();
  }

  @Override
  public boolean access(int chunk) {
    ChunkKey key = chunks.keys[chunk];
    if (cache.getIfPresent(key) != null) {
      return true;
    }
    cache.put(key, chunks.values[chunk]);
    return false;
  }

  /**
   * Keys and values of every chunk of a catalogue, made once and shared by all the Caffeine runs. A
   * value is a dummy array of the chunk's real length (so the weigher is the service's {@code
   * v.length}), one array per distinct length: track sizes are whole KiB, so there are at most 256
   * lengths and about 32 MiB of arrays.
   */
  static final class Chunks {
    private final ChunkKey[] keys;
    private final byte[][] values;

    Chunks(Catalogue catalogue) {
      keys = new ChunkKey[catalogue.chunks()];
      values = new byte[catalogue.chunks()][];
      Map<Integer, byte[]> byLength = new HashMap<>();
      for (int track = 0; track < catalogue.tracks(); track++) {
        String trackId = trackId(track);
        for (int i = 0; i < catalogue.chunkCount(track); i++) {
          int chunk = catalogue.firstChunk(track) + i;
          keys[chunk] = new ChunkKey(trackId, i);
          values[chunk] = byLength.computeIfAbsent(catalogue.chunkBytes(chunk), byte[]::new);
        }
      }
    }

    /** An id like the service's: base64url of 12 bytes of a digest (here of the track number). */
    private static String trackId(int track) {
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
