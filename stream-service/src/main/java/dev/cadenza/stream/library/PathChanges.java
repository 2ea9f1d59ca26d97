package dev.cadenza.stream.library;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a catalogue up to date with a few paths that the {@link LibraryWatcher} saw change,
 * without walking the whole tree: an audio file is read again when its {@link FileVersion} differs
 * from its track's (added, rewritten, renamed in), a path that is gone takes its track and every
 * track under it along (a file or a directory deleted or moved away), and a directory walks its own
 * subtree (moved in). It follows the scan's rules: hidden names and links leading out of the
 * library are left out, an unreadable file is left out and reported once.
 */
final class PathChanges {

  private static final Logger log = LoggerFactory.getLogger(PathChanges.class);

  private final Path root;
  private final LibraryBounds bounds;
  private final TagReader tagReader;
  private final BiConsumer<String, String> unreadable;

  /**
   * @param unreadable told of a file that cannot be read (relative path, log line), so that the
   *     next scan does not announce it again
   */
  PathChanges(Path root, TagReader tagReader, BiConsumer<String, String> unreadable)
      throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.bounds = new LibraryBounds(root);
    this.tagReader = tagReader;
    this.unreadable = unreadable;
  }

  /** What applying the touched paths did: the new catalogue and how many tracks changed how. */
  record Applied(Catalog catalog, int added, int changed, int removed) {
    boolean changedAnything() {
      return added + changed + removed > 0;
    }
  }

  /** Applies {@code touched} (absolute paths under the root) to {@code previous}. */
  Applied apply(Catalog previous, Set<Path> touched) {
    Map<String, Track> byPath = new HashMap<>();
    previous.tracks().forEach(t -> byPath.put(t.path(), t));
    Counts counts = new Counts();
    IgnoredTagValues ignoredValues = new IgnoredTagValues();
    for (Path path : touched) {
      Path p = path.toAbsolutePath().normalize();
      if (!p.startsWith(root) || p.equals(root)) {
        continue;
      }
      String relative = relative(p);
      if (!Files.exists(p) || underHidden(p) || leadsOut(p)) {
        removeUnder(byPath, relative, counts);
      } else if (Files.isDirectory(p)) {
        Set<String> present = walk(p, byPath, counts, ignoredValues);
        byPath
            .keySet()
            .removeIf(k -> under(k, relative) && !present.contains(k) && counts.remove());
      } else {
        update(p, relative, byPath, counts, ignoredValues);
      }
    }
    ignoredValues.log(log, "in files changed on disk");
    Catalog catalog =
        counts.any()
            ? new Catalog(byPath.values(), previous)
            : previous; // unchanged: keep the snapshot
    return new Applied(catalog, counts.added, counts.changed, counts.removed);
  }

  /** Reads {@code file} when it is an audio file whose version is not the catalogued one. */
  private void update(
      Path file,
      String relative,
      Map<String, Track> byPath,
      Counts counts,
      IgnoredTagValues ignoredValues) {
    Optional<AudioFormat> format = AudioFormat.forFileName(file.getFileName().toString());
    if (format.isEmpty() || !Files.isRegularFile(file)) {
      if (byPath.remove(relative) != null) {
        counts.removed++;
      }
      return;
    }
    Track old = byPath.get(relative);
    try {
      FileVersion version = FileVersion.of(file);
      if (old != null && old.version().equals(version)) {
        return;
      }
      FileTags tags = tagReader.read(file, format.get(), version.size(), ignoredValues);
      byPath.put(
          relative, new Track(Ids.track(relative), relative, file, format.get(), version, tags));
      if (old == null) {
        counts.added++;
      } else {
        counts.changed++;
      }
    } catch (TagReader.UnreadableFileException e) {
      unreadable.accept(relative, "Skipped unreadable file '" + relative + "': " + e.getMessage());
      if (byPath.remove(relative) != null) {
        counts.removed++;
      }
    } catch (IOException e) { // gone since it was touched: its delete event follows
      if (byPath.remove(relative) != null) {
        counts.removed++;
      }
    }
  }

  /** Updates every audio file under {@code dir}; returns their relative paths. */
  private Set<String> walk(
      Path dir, Map<String, Track> byPath, Counts counts, IgnoredTagValues ignoredValues) {
    Set<String> present = new HashSet<>();
    try {
      Files.walkFileTree(
          dir,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
              return d.equals(dir) || entered(d)
                  ? FileVisitResult.CONTINUE
                  : FileVisitResult.SKIP_SUBTREE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              String relative = relative(file);
              if (attrs.isRegularFile()
                  && !LibraryBounds.hidden(file)
                  && AudioFormat.forFileName(file.getFileName().toString()).isPresent()
                  && !leadsOut(file)) {
                update(file, relative, byPath, counts, ignoredValues);
                if (byPath.containsKey(relative)) {
                  present.add(relative);
                }
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // the next scan reports what it cannot read
            }
          });
    } catch (IOException e) {
      log.debug("Could not walk '{}' after a change: {}", relative(dir), e.toString());
    }
    return present;
  }

  private static void removeUnder(Map<String, Track> byPath, String relative, Counts counts) {
    byPath.keySet().removeIf(k -> (k.equals(relative) || under(k, relative)) && counts.remove());
  }

  private static boolean under(String path, String dir) {
    return path.startsWith(dir + "/");
  }

  /** Whether a link in the path leads out of the library. */
  private boolean leadsOut(Path p) {
    try {
      return bounds.leadsOut(p);
    } catch (IOException e) {
      return false; // gone: handled as such
    }
  }

  /** Whether a walk enters {@code dir} ({@link LibraryBounds}); one that is gone is entered. */
  private boolean entered(Path dir) {
    try {
      return bounds.directory(dir) == LibraryBounds.Directory.ENTERED;
    } catch (IOException e) {
      return true; // gone: the walk finds it so
    }
  }

  /** Whether {@code p} or a directory it lies in is hidden: the scan does not enter those. */
  private boolean underHidden(Path p) {
    for (Path segment : root.relativize(p)) {
      if (LibraryBounds.hidden(segment)) {
        return true;
      }
    }
    return false;
  }

  private String relative(Path file) {
    String r = root.relativize(file).toString();
    String separator = file.getFileSystem().getSeparator();
    return separator.equals("/") ? r : r.replace(separator, "/");
  }

  /** Tracks added, changed and removed by one {@link #apply}. */
  private static final class Counts {
    int added;
    int changed;
    int removed;

    /** Counts a removal; true, for {@code removeIf}. */
    boolean remove() {
      removed++;
      return true;
    }

    boolean any() {
      return added + changed + removed > 0;
    }
  }
}
