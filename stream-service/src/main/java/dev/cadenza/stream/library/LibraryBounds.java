package dev.cadenza.stream.library;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Which directories under the library root belong to the library: the one rule of the scan ({@link
 * LibraryScanner}), the watch ({@link LibraryWatcher}) and the watched changes ({@link
 * PathChanges}). A hidden directory is left out (so is all under it), and so is a directory whose
 * real path leads out of the library: a link must not serve or watch files the library does not
 * hold.
 *
 * <p>A path whose real path cannot be resolved (gone meanwhile, unreadable) throws, since the
 * callers differ in what that means: the scan fails (a tree that changes under it is scanned
 * again), the watch gives up and asks for a scan, the watched changes treat it as inside and let
 * the walk find it gone.
 */
final class LibraryBounds {

  /** What a walk does with a directory. */
  enum Directory {
    ENTERED,
    HIDDEN,
    LEADS_OUT
  }

  private final Path root;
  private final Path realRoot;

  LibraryBounds(Path root) throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.realRoot = root.toRealPath();
  }

  /** The real root, for messages that must not show the server's layout. */
  Path realRoot() {
    return realRoot;
  }

  /** Whether a walk enters {@code dir}: the root always, others unless hidden or leading out. */
  Directory directory(Path dir) throws IOException {
    if (dir.equals(root)) {
      return Directory.ENTERED;
    }
    if (hidden(dir)) {
      return Directory.HIDDEN;
    }
    return leadsOut(dir) ? Directory.LEADS_OUT : Directory.ENTERED;
  }

  /** Whether the real path of {@code path} (a link, or under one) lies outside the library. */
  boolean leadsOut(Path path) throws IOException {
    return !path.toRealPath().startsWith(realRoot);
  }

  /** Whether the name of {@code path} is hidden: it starts with a dot. */
  static boolean hidden(Path path) {
    Path name = path.getFileName();
    return name != null && name.toString().startsWith(".");
  }
}
