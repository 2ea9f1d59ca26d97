package dev.cadenza.stream.cache;

import dev.cadenza.stream.config.CadenzaProperties.Cache.Originals;
import dev.cadenza.stream.library.LibraryFileSystem;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tier that serves the original bytes of tracks, as {@code cadenza.cache.originals} chose it
 * (docs/caching.md#originals). Transcoded variants always go through L1.
 */
public enum OriginalsTier {
  /** L1 chunk by chunk, filled from L2 or the file. */
  L1,
  /** The file through the kernel's page cache: sendfile, or one pooled read for a short body. */
  PAGE_CACHE;

  private static final Logger log = LoggerFactory.getLogger(OriginalsTier.class);

  /**
   * The tier for {@code setting}, said once. {@code auto} takes the page cache only when the file
   * is the only tier below L1 and it is local: a network file system is dear to read again, and L2
   * exists to share chunks between pods.
   */
  static OriginalsTier choose(Originals setting, boolean sharedTier, Path libraryRoot) {
    OriginalsTier tier =
        switch (setting) {
          case L1 -> L1;
          case PAGE_CACHE -> PAGE_CACHE;
          case AUTO -> sharedTier ? L1 : onFileSystemOf(libraryRoot);
        };
    if (tier == PAGE_CACHE) {
      log.info(
          "{} served from the page cache (sendfile); L1 holds variants"
              + " (cadenza.cache.originals={})",
          setting == Originals.AUTO ? "Originals of a local library are" : "Originals are",
          setting);
    } else {
      log.info(
          "Originals are served through L1 (cadenza.cache.originals={}{})",
          setting,
          setting == Originals.AUTO
              ? sharedTier
                  ? ": L2 shares their chunks between pods"
                  : ": the library's file system is not known to be local"
              : "");
    }
    return tier;
  }

  private static OriginalsTier onFileSystemOf(Path libraryRoot) {
    try {
      return LibraryFileSystem.of(libraryRoot).remote() ? L1 : PAGE_CACHE;
    } catch (IOException e) {
      log.warn("Cannot tell the library's file system ({}); originals go through L1", e.toString());
      return L1;
    }
  }

  /** As the health details say it: {@code l1} or {@code page-cache}. */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }
}
