package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.health.contributor.Health;

/**
 * No sharing, the embedded default: this process is always the scanner. It scans at start-up, then
 * every {@code cadenza.library.rescan-interval} and when asked, and applies what the library watch
 * sees change in between; there is nothing to publish or follow.
 */
final class LocalCatalogSharing implements CatalogSharing {

  private Library library;

  @Override
  public void start(Library library, ScheduledExecutorService scanThread) {
    this.library = library;
    library.watch(true); // before the first scan, so that nothing changed after its walk is missed
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
    return library.scan().report();
  }

  @Override
  public void changed(Set<Path> touched) {
    library.apply(touched);
  }

  private void scanQuietly() {
    try {
      library.scan();
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
