package dev.cadenza.stream.delivery;

import java.util.List;

/** The same changes under a slow reader, with the cache off (zero-copy file transfer). */
class FileChangedWhileStreamingUncachedTest extends FileChangedWhileStreamingTest {

  @Override
  List<String> cacheSettings() {
    return List.of("--cadenza.cache.enabled=false");
  }
}
