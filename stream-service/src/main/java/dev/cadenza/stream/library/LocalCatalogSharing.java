package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * No sharing, the embedded default: this process is always the scanner. It scans at start-up, then
 * every {@code cadenza.library.rescan-interval} and when asked, and applies what the library watch
 * sees change in between; there is nothing to publish or follow. With a {@link SavedCatalogue} it
 * first serves the catalogue the last run saved, so the service is ready at once and the first scan
 * reads only the files that changed, and it saves the catalogue after each scan that changed it (or
 * that follows a change the watch applied).
 */
final class LocalCatalogSharing implements CatalogSharing {

  private static final Logger log = LoggerFactory.getLogger(LocalCatalogSharing.class);

  private final SavedCatalogue saved;
  private Library library;

  /** Whether the catalogue in service is the one saved; scan thread only. */
  private boolean saveCurrent;

  /** The saved catalogue being read since {@link #prepare}; null once served or never prepared. */
  private volatile CompletableFuture<Optional<List<Track>>> savedTracks;

  private volatile long readMillis;

  /** Scans in full at every start: nothing saved. */
  LocalCatalogSharing() {
    this(SavedCatalogue.NONE);
  }

  LocalCatalogSharing(SavedCatalogue saved) {
    this.saved = saved;
  }

  /**
   * Reads the saved catalogue on a thread of its own from here on, while the rest of the context is
   * built (a second or more at 100,000 tracks); {@link #start} serves it when it is read.
   */
  @Override
  public void prepare(Path root) {
    CompletableFuture<Optional<List<Track>>> reading = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              long started = System.nanoTime();
              try {
                Optional<List<Track>> tracks = saved.load(root);
                readMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                reading.complete(tracks);
              } catch (RuntimeException e) {
                reading.completeExceptionally(e);
              }
            },
            "cadenza-catalogue-load");
    thread.setDaemon(true);
    thread.start();
    savedTracks = reading;
  }

  @Override
  public void start(Library library, ScheduledExecutorService scanThread) {
    this.library = library;
    scanThread.execute(this::loadSaved);
    // On the scan thread, not the caller's (registering a large tree takes seconds and would delay
    // the context's start), after the saved catalogue is served and before the first scan's walk,
    // so that nothing changed after that walk is missed.
    scanThread.execute(
        () -> {
          if (!library.stopping()) {
            library.watch(true);
          }
        });
    long every = library.settings().rescanInterval().toMillis();
    if (every > 0) {
      scanThread.scheduleWithFixedDelay(this::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
    } else {
      scanThread.execute(this::scanQuietly);
    }
  }

  /** Fails as the scan fails: the caller asked for this scan and hears why it did not happen. */
  @Override
  public ScanReport rescan() {
    return scanAndSave().report();
  }

  private void loadSaved() {
    long started = System.nanoTime();
    CompletableFuture<Optional<List<Track>>> reading = savedTracks;
    savedTracks = null; // served once: the tracks are not kept twice
    Optional<List<Track>> tracks;
    try {
      tracks = reading != null ? reading.join() : saved.load(library.root());
    } catch (CompletionException e) {
      log.warn(
          "Could not read the saved catalogue ({}); the library is scanned in full",
          e.getCause().toString());
      return;
    }
    long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    tracks.ifPresent(
        t -> {
          library.serve(t, null);
          saveCurrent = true;
          log.info(
              "Serving the saved catalogue of {} tracks (read in {} ms, {} ms of them after the"
                  + " context started); the scan reads only changed files",
              t.size(),
              reading != null ? readMillis : waited,
              waited);
        });
  }

  private LibraryScanner.Result scanAndSave() {
    LibraryScanner.Result result = library.scan();
    ScanReport r = result.report();
    if (!saveCurrent || r.added() + r.changed() + r.removed() > 0) {
      saved.save(library.root(), result.catalog());
      saveCurrent = true;
    }
    return result;
  }

  @Override
  public void changed(Set<Path> touched) {
    if (library.apply(touched).changedAnything()) {
      saveCurrent = false; // the next scan saves it, rather than every burst of changes
    }
  }

  private void scanQuietly() {
    try {
      scanAndSave();
    } catch (RuntimeException e) {
      // already logged; the schedule must go on
    }
  }

  @Override
  public void halt() {}

  @Override
  public void leave() {}

  @Override
  public String waitingFor() {
    return "first library scan running";
  }

  @Override
  public void describe(Health.Builder health) {
    health.withDetail("mode", Mode.LOCAL.label());
  }

  @Override
  public Mode mode() {
    return Mode.LOCAL;
  }

  @Override
  public long generation() {
    return -1;
  }
}
