package dev.cadenza.stream.delivery;

/** The same changes under a slow reader, with the cache off (zero-copy file transfer). */
class FileChangedWhileStreamingUncachedTest extends FileChangedWhileStreamingTest {

  @Override
  boolean cached() {
    return false;
  }
}
