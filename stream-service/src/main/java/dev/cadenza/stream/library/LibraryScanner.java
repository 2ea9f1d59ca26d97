package dev.cadenza.stream.library;

import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Walks a library tree and builds a catalogue, reusing the previous catalogue's entries for files
 * that have not changed so that a rescan reads only new and changed files. Links are followed only
 * while they stay inside the library.
 */
final class LibraryScanner {

  private static final Logger log = LoggerFactory.getLogger(LibraryScanner.class);
  private static final int SKIPPED_KEPT = 100;

  private final Path root;
  private final LibraryBounds bounds;
  private final TagReader tagReader;
  private final int threads;
  private final Duration progressInterval;
  private final ScanProgress progress;
  private final Counter filesRead;

  /**
   * What the scans could not take (unreadable audio files, unreadable directories, links leading
   * out of the library), by path, with why: kept from scan to scan so that each is logged once when
   * it starts and once when it ends, not at every rescan.
   */
  private final Map<String, String> problems = new ConcurrentHashMap<>();

  LibraryScanner(
      Path root,
      TagReader tagReader,
      int threads,
      Duration progressInterval,
      ScanProgress progress,
      Counter filesRead)
      throws IOException {
    this.root = root.toAbsolutePath().normalize();
    this.bounds = new LibraryBounds(root);
    this.tagReader = tagReader;
    this.threads = threads;
    this.progressInterval = progressInterval;
    this.progress = progress;
    this.filesRead = filesRead;
  }

  /** Shared with metrics: how far the running scan has come. */
  static final class ScanProgress {
    final AtomicInteger filesFound = new AtomicInteger();
    final AtomicInteger filesRead = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    volatile boolean running;
  }

  /**
   * @param newProblems paths that this scan found unreadable (or leading out) and the last did not
   * @param solvedProblems paths the last scan could not take and this one could, or that are gone
   */
  record Result(Catalog catalog, ScanReport report, int newProblems, int solvedProblems) {}

  /** A path this scan could not take: logged as a warning unless it was already known. */
  private void problem(Map<String, String> seen, AtomicInteger fresh, String path, String why) {
    seen.put(path, why);
    if (problems.putIfAbsent(path, why) == null) {
      fresh.incrementAndGet();
      log.warn(why);
    } else {
      log.debug(why);
    }
  }

  /**
   * Outside a scan (a request found the file changed and unreadable): a problem the next scan
   * should not announce again.
   */
  void unreadable(String path, String why) {
    if (problems.putIfAbsent(path, why) == null) {
      log.warn(why);
    }
  }

  /** Ends the known problems this scan did not see again; returns how many. */
  private int solve(Map<String, String> seen, Set<String> catalogued) {
    int solved = 0;
    for (String path : List.copyOf(problems.keySet())) {
      if (seen.containsKey(path) || problems.remove(path) == null) {
        continue;
      }
      solved++;
      if (catalogued.contains(path)) {
        log.info("'{}' is readable again", path);
      } else if (Files.exists(root.resolve(path), LinkOption.NOFOLLOW_LINKS)) {
        log.info("'{}' is no longer skipped", path);
      } else {
        log.info("'{}' is gone", path);
      }
    }
    return solved;
  }

  Result scan(Catalog previous) throws IOException {
    Instant started = Instant.now();
    progress.filesFound.set(0);
    progress.filesRead.set(0);
    progress.skipped.set(0);
    progress.running = true;
    ScheduledExecutorService ticker =
        Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cadenza-scan-progress"));
    ExecutorService readers =
        Executors.newFixedThreadPool(threads, r -> daemon(r, "cadenza-scan-reader"));
    try {
      long every = progressInterval.toMillis();
      ticker.scheduleAtFixedRate(this::logProgress, every, every, TimeUnit.MILLISECONDS);

      Map<String, Track> before = new ConcurrentHashMap<>();
      previous.tracks().forEach(t -> before.put(t.path(), t));
      List<Future<Optional<Track>>> pending = new ArrayList<>();
      List<ScanReport.SkippedFile> skipped = Collections.synchronizedList(new ArrayList<>());
      AtomicInteger added = new AtomicInteger();
      AtomicInteger changed = new AtomicInteger();
      AtomicInteger ignored = new AtomicInteger();
      Map<String, String> seen = new ConcurrentHashMap<>();
      AtomicInteger fresh = new AtomicInteger();
      Problems trouble = (path, why) -> problem(seen, fresh, path, why);
      IgnoredTagValues ignoredValues = new IgnoredTagValues();

      walk(
          (file, relative, format, version) -> {
            progress.filesFound.incrementAndGet();
            pending.add(
                readers.submit(
                    () -> {
                      try {
                        Track old = before.get(relative);
                        if (old != null && old.version().equals(version)) {
                          return Optional.of(old);
                        }
                        Track track = read(file, relative, format, version, ignoredValues);
                        (old == null ? added : changed).incrementAndGet();
                        return Optional.of(track);
                      } catch (TagReader.UnreadableFileException e) {
                        progress.skipped.incrementAndGet();
                        synchronized (skipped) { // readers race between the check and the add
                          if (skipped.size() < SKIPPED_KEPT) {
                            skipped.add(new ScanReport.SkippedFile(relative, reason(e, file)));
                          }
                        }
                        trouble.report(
                            relative,
                            "Skipped unreadable file '" + relative + "': " + reason(e, file));
                        return Optional.empty();
                      } finally {
                        progress.filesRead.incrementAndGet();
                      }
                    }));
          },
          ignored,
          trouble);

      List<Track> tracks = new ArrayList<>(pending.size());
      for (Future<Optional<Track>> f : pending) {
        f.get().ifPresent(tracks::add);
      }
      Set<String> present = new HashSet<>();
      tracks.forEach(t -> present.add(t.id()));
      int removed = (int) previous.tracks().stream().filter(t -> !present.contains(t.id())).count();
      ScanReport report =
          new ScanReport(
              started,
              Duration.between(started, Instant.now()),
              progress.filesFound.get(),
              added.get(),
              changed.get(),
              removed,
              List.copyOf(skipped),
              progress.skipped.get(),
              ignored.get());
      Set<String> catalogued = new HashSet<>();
      tracks.forEach(t -> catalogued.add(t.path()));
      int solved = solve(seen, catalogued);
      ignoredValues.log(log, "in this scan of " + root);
      // an unchanged library keeps its catalogue: whatever is derived from it (indexes, the
      // embeddings' pass) is not rebuilt at every rescan
      boolean unchanged =
          added.get() + changed.get() + removed == 0 && tracks.size() == previous.tracks().size();
      Catalog catalog = unchanged ? previous : new Catalog(tracks, previous);
      return new Result(catalog, report, fresh.get(), solved);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("scan interrupted", e);
    } catch (ExecutionException e) {
      throw new IOException("scan failed: " + e.getCause(), e.getCause());
    } finally {
      progress.running = false;
      ticker.shutdownNow();
      readers.shutdownNow();
    }
  }

  private Track read(
      Path file,
      String relative,
      AudioFormat format,
      FileVersion version,
      IgnoredTagValues ignoredValues)
      throws TagReader.UnreadableFileException {
    filesRead.increment();
    FileTags fileTags = tagReader.read(file, format, version.size(), ignoredValues);
    return new Track(Ids.track(relative), relative, file, format, version, fileTags);
  }

  private void logProgress() {
    log.info(
        "Scanning {}: {} of {} audio files read, {} skipped so far",
        root,
        progress.filesRead.get(),
        progress.filesFound.get(),
        progress.skipped.get());
  }

  /** Where the walk reports a path it cannot take, and why (the whole log line). */
  @FunctionalInterface
  private interface Problems {
    void report(String path, String why);
  }

  @FunctionalInterface
  private interface AudioFileSink {
    void accept(Path file, String relative, AudioFormat format, FileVersion version);
  }

  private void walk(AudioFileSink sink, AtomicInteger ignored, Problems trouble)
      throws IOException {
    Files.walkFileTree(
        root,
        EnumSet.of(FileVisitOption.FOLLOW_LINKS),
        Integer.MAX_VALUE,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            // a real path that cannot be resolved fails the scan: the tree changed under it
            LibraryBounds.Directory verdict = bounds.directory(dir);
            if (verdict == LibraryBounds.Directory.LEADS_OUT) {
              String relative = relative(dir);
              trouble.report(
                  relative, "Not following '" + relative + "': it leads out of the library");
            }
            if (verdict != LibraryBounds.Directory.ENTERED) {
              ignored.incrementAndGet();
              return FileVisitResult.SKIP_SUBTREE;
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            String relative = relative(file);
            Optional<AudioFormat> format = AudioFormat.forFileName(file.getFileName().toString());
            if (!attrs.isRegularFile() || format.isEmpty() || LibraryBounds.hidden(file)) {
              ignored.incrementAndGet();
              return FileVisitResult.CONTINUE;
            }
            if (Files.isSymbolicLink(file) && bounds.leadsOut(file)) {
              trouble.report(
                  relative, "Not following '" + relative + "': it leads out of the library");
              ignored.incrementAndGet();
              return FileVisitResult.CONTINUE;
            }
            FileVersion version;
            try {
              version = FileVersion.of(file);
            } catch (IOException e) {
              return visitFileFailed(file, e); // gone or unreadable since it was listed
            }
            sink.accept(file, relative, format.get(), version);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (file.equals(root)) {
              // the whole library is gone (unmounted, moved): fail the scan, do not empty the
              // catalogue
              throw e;
            }
            String reason =
                e instanceof FileSystemLoopException ? "link loop" : e.getClass().getSimpleName();
            String relative = relative(file);
            trouble.report(
                relative, "Cannot read '" + relative + "' (" + reason + "): " + reason(e, file));
            ignored.incrementAndGet();
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private String relative(Path file) {
    String r = root.relativize(file).toString();
    return file.getFileSystem().getSeparator().equals("/")
        ? r
        : r.replace(file.getFileSystem().getSeparator(), "/");
  }

  /** Why a file was skipped, without the server's directory layout (the API shows it). */
  private String reason(Exception e, Path file) {
    String message = String.valueOf(e.getMessage());
    return message
        .replace(file.toAbsolutePath().toString(), relative(file))
        .replace(root.toString() + file.getFileSystem().getSeparator(), "")
        .replace(bounds.realRoot().toString() + file.getFileSystem().getSeparator(), "");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
