package dev.cadenza.stream.bench;

import java.util.Iterator;
import java.util.LinkedHashMap;

/** Least recently used, bounded by bytes: a {@link LinkedHashMap} in access order. */
final class LruPolicy implements Policy {

  private final LinkedHashMap<Integer, Integer> bytesByChunk =
      new LinkedHashMap<>(1024, 0.75f, true);
  private final Catalogue catalogue;
  private final long capacityBytes;
  private long usedBytes;

  LruPolicy(Catalogue catalogue, long capacityBytes) {
    this.catalogue = catalogue;
    this.capacityBytes = capacityBytes;
  }

  @Override
  public boolean access(int chunk) {
    if (bytesByChunk.get(chunk) != null) { // moves it to the most recent end
      return true;
    }
    int bytes = catalogue.chunkBytes(chunk);
    bytesByChunk.put(chunk, bytes);
    usedBytes += bytes;
    Iterator<Integer> leastRecent = bytesByChunk.values().iterator();
    while (usedBytes > capacityBytes) {
      usedBytes -= leastRecent.next();
      leastRecent.remove();
    }
    return false;
  }
}
