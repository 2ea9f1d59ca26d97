package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.Set;
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

  /** Scans in full at every start: nothing saved. */
  LocalCatalogSharing() {
    this(SavedCatalogue.NONE);
  }

  LocalCatalogSharing(SavedCatalogue saved) {
    this.saved = saved;
  }

  @Override
  public void start(Library library, ScheduledExecutorService scanThread) {
    this.library = library;
    library.watch(true); // before the first scan, so that nothing changed after its walk is missed
    scanThread.execute(this::loadSaved);
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
    saved
        .load(library.root())
        .ifPresent(
            tracks -> {
              library.serve(tracks, null);
              saveCurrent = true;
              log.info(
                  "Serving the saved catalogue of {} tracks (loaded in {} ms); the scan reads only"
                      + " changed files",
                  tracks.size(),
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
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
