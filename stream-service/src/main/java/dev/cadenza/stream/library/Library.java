package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * The music library: the current catalogue, kept up to date by a scan at start-up and rescans at an
 * interval. Readiness is down until the first scan has finished.
 */
@Service
public class Library implements SmartLifecycle, HealthIndicator {

  private static final Logger log = LoggerFactory.getLogger(Library.class);

  private final Path root;
  private final CadenzaProperties.Library settings;
  private final TagReader tagReader;
  private final LibraryScanner scanner;
  private final LibraryScanner.ScanProgress progress = new LibraryScanner.ScanProgress();
  private final Timer scanTimer;

  private volatile Catalog catalog = Catalog.EMPTY;
  private volatile ScanReport lastScan;
  private volatile String lastError;
  private final CompletableFuture<Void> firstScan = new CompletableFuture<>();
  private ScheduledExecutorService scheduler;

  public Library(CadenzaProperties properties, TagReader tagReader, MeterRegistry meters)
      throws IOException {
    this.settings = properties.library();
    this.tagReader = tagReader;
    this.root = settings.path() != null ? settings.path() : DemoLibrary.extract();
    this.scanner =
        new LibraryScanner(
            root, tagReader, settings.scanThreads(), settings.progressInterval(), progress);
    this.scanTimer =
        Timer.builder("cadenza.library.scan")
            .description("Duration of library scans")
            .register(meters);
    Gauge.builder("cadenza.library.tracks", this, l -> l.catalog.tracks().size())
        .description("Tracks in the catalogue")
        .register(meters);
    Gauge.builder("cadenza.library.scan.files.found", progress, p -> p.filesFound.get())
        .description("Audio files found by the running (or last) scan")
        .register(meters);
    Gauge.builder("cadenza.library.scan.files.read", progress, p -> p.filesRead.get())
        .description("Audio files read by the running (or last) scan")
        .register(meters);
    Gauge.builder("cadenza.library.scan.files.skipped", progress, p -> p.skipped.get())
        .description("Unreadable audio files skipped by the running (or last) scan")
        .register(meters);
    Gauge.builder("cadenza.library.scan.running", progress, p -> p.running ? 1 : 0)
        .description("1 while a scan runs")
        .register(meters);
  }

  /** The root directory being served. */
  public Path root() {
    return root;
  }

  public Catalog catalog() {
    return catalog;
  }

  public Optional<ScanReport> lastScan() {
    return Optional.ofNullable(lastScan);
  }

  public boolean scanning() {
    return progress.running;
  }

  public Optional<Track> track(String id) {
    return catalog.track(id);
  }

  /** Scans now, on the scan thread; completes when the catalogue has been replaced. */
  public CompletableFuture<ScanReport> rescan() {
    return CompletableFuture.supplyAsync(this::scanOnce, scheduler);
  }

  /**
   * Brings one track up to date with its file when the file changed after the last scan: a new
   * version (and ETag), tags read again. Empty when the file is gone or no longer readable.
   */
  public synchronized Optional<Track> refresh(Track track, FileVersion current) {
    Track latest = catalog.track(track.id()).orElse(track);
    if (latest.version().equals(current)) {
      return Optional.of(latest);
    }
    try {
      TrackTags tags = tagReader.read(track.file(), track.format(), current.size());
      Track updated =
          new Track(track.id(), track.path(), track.file(), track.format(), current, tags);
      catalog = catalog.with(track.id(), updated);
      log.info("'{}' changed on disk; new ETag {}", track.path(), updated.etag());
      return Optional.of(updated);
    } catch (TagReader.UnreadableFileException e) {
      log.warn("'{}' changed on disk and is no longer readable: {}", track.path(), e.getMessage());
      catalog = catalog.with(track.id(), null);
      return Optional.empty();
    }
  }

  /** Drops a track whose file has disappeared since the last scan. */
  public synchronized void forget(Track track) {
    if (catalog.track(track.id()).isPresent()) {
      catalog = catalog.with(track.id(), null);
      log.info("'{}' is gone from disk; removed from the catalogue", track.path());
    }
  }

  private ScanReport scanOnce() {
    log.info("Scanning library {}", root);
    try {
      LibraryScanner.Result result = scanTimer.recordCallable(() -> scanner.scan(catalog));
      ScanReport r = result.report();
      synchronized (this) {
        catalog = result.catalog();
      }
      lastScan = r;
      lastError = null;
      log.info(
          "Scanned {} in {} ms: {} tracks ({} added, {} changed, {} removed), {} skipped, {} other"
              + " files ignored",
          root,
          r.duration().toMillis(),
          catalog.tracks().size(),
          r.added(),
          r.changed(),
          r.removed(),
          r.skippedCount(),
          r.ignored());
      return r;
    } catch (NoSuchFileException e) {
      lastError = "library root is missing: " + root;
      log.error("Library scan failed: {}", lastError);
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      lastError = e.toString();
      log.error("Library scan failed; the previous catalogue stays in service", e);
      throw new IllegalStateException(e);
    } finally {
      firstScan.complete(null);
    }
  }

  @Override
  public Health health() {
    if (!firstScan.isDone()) {
      return Health.outOfService()
          .withDetail("reason", "first library scan running")
          .withDetail("filesRead", progress.filesRead.get())
          .withDetail("filesFound", progress.filesFound.get())
          .build();
    }
    Health.Builder health = lastScan == null ? Health.down() : Health.up();
    health.withDetail("tracks", catalog.tracks().size());
    if (lastError != null) {
      health.withDetail("lastError", lastError);
    }
    return health.build();
  }

  @Override
  public void start() {
    scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "cadenza-library-scan");
              t.setDaemon(true);
              return t;
            });
    long every = settings.rescanInterval().toMillis();
    if (every > 0) {
      scheduler.scheduleWithFixedDelay(this::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
    } else {
      scheduler.execute(this::scanQuietly);
    }
  }

  private void scanQuietly() {
    try {
      scanOnce();
    } catch (RuntimeException e) {
      // already logged; the schedule must go on
    }
  }

  @Override
  public void stop() {
    scheduler.shutdownNow();
  }

  @Override
  public boolean isRunning() {
    return scheduler != null && !scheduler.isShutdown();
  }

  /** Blocks until the first scan has finished; for tests and tools. */
  public void awaitFirstScan(long timeout, TimeUnit unit) throws Exception {
    firstScan.get(timeout, unit);
  }
}
