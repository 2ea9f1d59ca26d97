package dev.cadenza.stream.library;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_DELETE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * Watches the library tree through the file system's notifications (inotify on Linux: one watch per
 * directory, new directories registered as they appear) and hands the touched paths, once quiet
 * ({@link QuietPaths}), to the library, which applies just those ({@link PathChanges}). The
 * periodic rescan stays as the safety net.
 *
 * <p>Where notifications cannot be trusted it says so once and leaves the changes to the rescan: an
 * overflow of the event queue asks for a rescan at once (the watch goes on); reaching the inotify
 * watch or instance limit stops the watch; a network or FUSE file system is watched, but changes
 * made through other machines are not notified there. The health details ({@code watch}) and the
 * {@code cadenza.library.watch.*} metrics show which.
 */
final class LibraryWatcher {

  private static final Logger log = LoggerFactory.getLogger(LibraryWatcher.class);

  /**
   * How long a path must be quiet before it is applied: longer than the pauses between a local
   * copy's writes, short enough to show a file within a second or so.
   */
  static final Duration QUIET = Duration.ofMillis(400);

  private final Path root;
  private final LibraryBounds bounds;
  private final boolean enabled;
  private final Duration rescanInterval;
  private final Consumer<Set<Path>> changes;
  private final Runnable rescan;
  private final Counter created;
  private final Counter modified;
  private final Counter deleted;
  private final Counter overflows;
  private final Counter limitReached;
  private final Counter unresolvable;

  private final Map<WatchKey, Path> directories = new ConcurrentHashMap<>();
  private volatile WatchService service;
  private volatile String fallback; // why the watch stopped; null while it works
  private volatile String notNotifying; // file system type seen at start, when it does not notify
  private boolean overflowLogged;

  /**
   * @param changes given the quiet touched paths, on the watch thread
   * @param rescan asks for a scan of the whole tree (after an overflow)
   */
  LibraryWatcher(
      Path root,
      boolean enabled,
      Duration rescanInterval,
      MeterRegistry meters,
      Consumer<Set<Path>> changes,
      Runnable rescan)
      throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.bounds = new LibraryBounds(root);
    this.enabled = enabled;
    this.rescanInterval = rescanInterval;
    this.changes = changes;
    this.rescan = rescan;
    this.created = event(meters, "created");
    this.modified = event(meters, "modified");
    this.deleted = event(meters, "deleted");
    this.overflows = fallback(meters, "overflow");
    this.limitReached = fallback(meters, "limit");
    this.unresolvable = fallback(meters, "unresolvable");
    Gauge.builder("cadenza.library.watch.directories", directories, Map::size)
        .description("Directories of the library watched for changes")
        .register(meters);
  }

  private static Counter event(MeterRegistry meters, String kind) {
    return Counter.builder("cadenza.library.watch.events")
        .description("File-system change events seen in the library")
        .tag("kind", kind)
        .register(meters);
  }

  private static Counter fallback(MeterRegistry meters, String reason) {
    return Counter.builder("cadenza.library.watch.fallbacks")
        .description("Times the watch could not be trusted and a rescan takes over")
        .tag("reason", reason)
        .register(meters);
  }

  /**
   * Starts watching, unless it is off or already watching: registers the tree (before the scan that
   * follows, so that nothing changed in between is missed) and starts the watch thread.
   */
  synchronized void start() {
    if (!enabled || service != null || fallback != null) {
      return;
    }
    try {
      service = root.getFileSystem().newWatchService();
    } catch (IOException e) {
      giveUp("cannot watch the library: " + e.getMessage(), null);
      return;
    }
    noticeFileSystem();
    if (!registerTree(root)) {
      return;
    }
    WatchService watching = service;
    Thread thread = new Thread(() -> run(watching), "cadenza-library-watch");
    thread.setDaemon(true);
    thread.start();
    log.info(
        "Watching {} for changes ({} directories); files appear {} ms after they are written",
        root,
        directories.size(),
        QUIET.toMillis());
  }

  /** Stops watching (the scanner's lease lost, the service stopping); releases the watches. */
  synchronized void stop() {
    WatchService watching = service;
    service = null;
    directories.clear();
    if (watching != null) {
      try {
        watching.close();
      } catch (IOException e) {
        log.debug("Closing the library watch failed: {}", e.toString());
      }
    }
  }

  /** {@code watch}: on, off, idle (another pod scans) or why the rescan took over. */
  void describe(Health.Builder health) {
    String state;
    if (!enabled) {
      state = "off";
    } else if (fallback != null) {
      state = "fallback to rescan: " + fallback;
    } else if (service == null) {
      state = "idle";
    } else if (notNotifying != null) {
      state = "on (" + notNotifying + ": changes made on other machines appear at the rescan)";
    } else {
      state = "on";
    }
    health.withDetail("watch", state);
  }

  private void run(WatchService watching) {
    QuietPaths quiet = new QuietPaths(QUIET.toNanos());
    try {
      while (true) {
        long until = quiet.untilNext(System.nanoTime());
        WatchKey key = until < 0 ? watching.take() : watching.poll(until, TimeUnit.NANOSECONDS);
        while (key != null) {
          take(key, quiet);
          key = watching.poll();
        }
        Set<Path> ready = quiet.ready(System.nanoTime(), LibraryWatcher::look);
        if (!ready.isEmpty()) {
          changes.accept(ready);
        }
      }
    } catch (ClosedWatchServiceException e) {
      // stopped
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      giveUp("the watch failed: " + e, e);
      rescan.run(); // what it had not applied yet
    }
  }

  /** Takes one key's events: marks the paths touched and registers directories that appeared. */
  private void take(WatchKey key, QuietPaths quiet) {
    Path dir = directories.get(key);
    for (WatchEvent<?> event : key.pollEvents()) {
      if (event.kind() == OVERFLOW) {
        overflowed();
        continue;
      }
      if (dir == null) {
        continue; // a directory no longer watched
      }
      Path child = dir.resolve((Path) event.context());
      if (event.kind() == ENTRY_CREATE) {
        created.increment();
        if (Files.isDirectory(child)
            && !child.getFileName().toString().startsWith(".")
            && !registerTree(child)) {
          if (fallback != null) {
            rescan.run(); // a limit reached: the rescan takes over from here
          }
          return; // stopped
        }
      } else if (event.kind() == ENTRY_DELETE) {
        deleted.increment();
        forgetUnder(child);
      } else {
        modified.increment();
      }
      quiet.touched(child, System.nanoTime(), look(child));
    }
    if (!key.reset()) {
      directories.remove(key);
    }
  }

  /** What a path looks like: its version (size, times, inode), or empty when it is gone. */
  private static Object look(Path path) {
    try {
      return Optional.of(FileVersion.of(path));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * The kernel dropped events: what changed is unknown. A rescan finds it, and the tree is
   * registered again for directories created meanwhile.
   */
  private void overflowed() {
    overflows.increment();
    if (!overflowLogged) {
      overflowLogged = true;
      log.warn(
          "Too many changes at once for the library watch (event queue overflow); rescanning."
              + " Later overflows are counted in cadenza_library_watch_fallbacks_total, not logged");
    }
    if (registerTree(root) || fallback != null) {
      rescan.run();
    }
  }

  /** Registers {@code dir} and the directories under it; false when the watch had to stop. */
  private boolean registerTree(Path dir) {
    WatchService watching = service;
    if (watching == null) {
      return false;
    }
    try {
      Files.walkFileTree(
          dir,
          EnumSet.of(FileVisitOption.FOLLOW_LINKS),
          Integer.MAX_VALUE,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs)
                throws IOException {
              // a real path that cannot be resolved ends the watch below (reason "unresolvable")
              if (bounds.directory(d) != LibraryBounds.Directory.ENTERED) {
                return FileVisitResult.SKIP_SUBTREE;
              }
              try {
                directories.put(d.register(watching, ENTRY_CREATE, ENTRY_DELETE, ENTRY_MODIFY), d);
              } catch (IOException e) {
                if (String.valueOf(e.getMessage()).contains("limit")) {
                  throw new WatchLimitReached(e); // inotify's watches or instances are used up
                }
                // unreadable: the scan reports it, and its files stay out
                log.debug("Not watching '{}': {}", d, e.toString());
                return FileVisitResult.SKIP_SUBTREE;
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
              return FileVisitResult.CONTINUE; // gone meanwhile, or the scan reports it
            }
          });
      return true;
    } catch (ClosedWatchServiceException e) {
      return false; // stopped meanwhile
    } catch (IOException e) {
      Path where = root.relativize(dir.toAbsolutePath().normalize());
      String what = where.toString().isEmpty() ? "the library" : "'" + where + "'";
      if (e instanceof WatchLimitReached limit) {
        limitReached.increment();
        giveUp(
            "cannot watch "
                + what
                + " ("
                + limit.getCause().getMessage()
                + "; raise fs.inotify.max_user_watches)",
            null);
      } else {
        // a directory whose real path cannot be resolved: whether it belongs to the library is
        // unknown, so the watch cannot say what changed under it
        unresolvable.increment();
        giveUp("cannot resolve a directory under " + what + " (" + e + ")", null);
      }
      return false;
    }
  }

  /** inotify's watches or instances are used up: raising the host's limit is the remedy. */
  private static final class WatchLimitReached extends IOException {
    WatchLimitReached(IOException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Stops watching the directories at or under {@code gone} (deleted or moved away). */
  private void forgetUnder(Path gone) {
    directories
        .entrySet()
        .removeIf(
            e -> {
              if (!e.getValue().startsWith(gone)) {
                return false;
              }
              e.getKey().cancel();
              return true;
            });
  }

  /**
   * The watch cannot go on: logged once (with {@code cause} when unexpected), shown in the health
   * details; the rescan takes over.
   */
  private void giveUp(String why, Exception cause) {
    fallback = why;
    stop();
    String then =
        rescanInterval.isZero()
            ? "only when a scan is asked for (cadenza.library.rescan-interval is 0)"
            : "at the rescan every "
                + rescanInterval.toString().substring(2).toLowerCase(Locale.ROOT);
    log.warn(
        "Not watching the library for changes: {}. Added, changed and removed files appear {}",
        why,
        then,
        cause);
  }

  /** Says once at start when the library is on a file system that does not notify everything. */
  private void noticeFileSystem() {
    try {
      LibraryFileSystem fileSystem = LibraryFileSystem.of(root);
      if (fileSystem.remote()) {
        String type = fileSystem.type();
        notNotifying = type;
        log.warn(
            "The library is on a {} file system: changes made there through other machines are"
                + " not notified and appear at the rescan (cadenza.library.rescan-interval, now {})",
            type,
            rescanInterval);
      }
    } catch (IOException e) {
      log.debug("Cannot tell the library's file system: {}", e.toString());
    }
  }
}
