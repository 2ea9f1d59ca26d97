package dev.cadenza.stream.delivery;

import java.util.List;

/**
 * The same changes under a slow reader, the cache on but originals served from the page cache (the
 * default for a local library without L2).
 */
class FileChangedWhileStreamingPageCacheTest extends FileChangedWhileStreamingTest {

  @Override
  List<String> cacheSettings() {
    return List.of("--cadenza.cache.originals=page-cache");
  }
}
