package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.actuate.info.Info;
import org.springframework.boot.actuate.info.InfoContributor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;

/**
 * The music library: the catalogue in service, kept up to date by scans, and the library's health.
 * Readiness is down until the first scan has finished (or, with a shared catalogue, until the
 * catalogue has been loaded). Its {@code catalogue} info (in {@code /actuator/info}) is what the
 * operator reads of every ready pod for the MusicDelivery's {@code status.catalogue}.
 *
 * <p>When it scans and where else its catalogue comes from is up to its {@link CatalogSharing}:
 * scans of its own at start-up and every {@code rescan-interval} ({@link LocalCatalogSharing}, the
 * embedded default), or the catalogue shared by all pods through DynamoDB ({@link
 * DynamoDbCatalogSharing}, docs/shared-catalogue.md). Between scans, the pod that scans applies
 * what its {@link LibraryWatcher} sees change ({@link #apply}, docs/library.md). All of it runs on
 * this library's scan thread; requests never wait for it, they read the in-memory {@link Catalog}
 * snapshot.
 */
public final class Library implements SmartLifecycle, HealthIndicator, InfoContributor {

  private static final Logger log = LoggerFactory.getLogger(Library.class);

  private final Path root;
  private final CadenzaProperties.Library settings;
  private final TagReader tagReader;
  private final LibraryScanner scanner;
  private final LibraryScanner.ScanProgress progress = new LibraryScanner.ScanProgress();
  private final Timer scanTimer;
  private final Counter filesRead;
  private final CatalogSharing sharing;
  private final PathChanges pathChanges;
  private final LibraryWatcher watcher;
  private final Timer applyTimer;

  private volatile Catalog catalog = Catalog.EMPTY;
  private volatile ScanReport lastScan;
  private volatile String lastError;

  /** Whether the catalogue in service was loaded (from the shared catalogue), not scanned here. */
  private volatile boolean loaded;

  private final CompletableFuture<Void> firstScan = new CompletableFuture<>();
  private final List<Runnable> catalogListeners = new CopyOnWriteArrayList<>();

  private final Object scanRequests = new Object();
  private long requestedScans; // guarded by scanRequests
  private ScanRequest waitingScan; // requested, not started yet; guarded by scanRequests
  private ScheduledExecutorService scheduler;
  private volatile boolean stopping;

  /** A library of this process alone: no shared catalogue. */
  public Library(CadenzaProperties properties, TagReader tagReader, MeterRegistry meters)
      throws IOException {
    this(properties, tagReader, meters, new LocalCatalogSharing());
  }

  /**
   * A library that shares its catalogue as {@code sharing} says; without {@code
   * cadenza.library.path}, the demo library extracted to a temporary directory.
   */
  Library(
      CadenzaProperties properties,
      TagReader tagReader,
      MeterRegistry meters,
      CatalogSharing sharing)
      throws IOException {
    this(properties, tagReader, meters, sharing, DemoLibrary::extract);
  }

  /**
   * A library that shares its catalogue as {@code sharing} says; without {@code
   * cadenza.library.path}, the demo library extracted where {@code demoLibrary} says.
   */
  Library(
      CadenzaProperties properties,
      TagReader tagReader,
      MeterRegistry meters,
      CatalogSharing sharing,
      Supplier<Path> demoLibrary)
      throws IOException {
    this.settings = properties.library();
    this.tagReader = tagReader;
    this.sharing = sharing;
    this.root = settings.path() != null ? settings.path() : demoLibrary.get();
    this.filesRead =
        Counter.builder("cadenza.library.files.read")
            .description("Audio files whose tags were read (by scans and by requests)")
            .register(meters);
    this.scanner =
        new LibraryScanner(
            root,
            tagReader,
            settings.scanThreads(),
            settings.progressInterval(),
            progress,
            filesRead);
    this.scanTimer =
        Timer.builder("cadenza.library.scan")
            .description("Duration of library scans")
            .register(meters);
    this.pathChanges = new PathChanges(root, tagReader, scanner::unreadable);
    this.watcher =
        new LibraryWatcher(
            root,
            settings.watch(),
            settings.rescanInterval(),
            meters,
            this::changed,
            this::rescanForWatch);
    this.applyTimer =
        Timer.builder("cadenza.library.watch.apply")
            .description("Applying the paths the library watch saw change to the catalogue")
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
    sharing.prepare(root);
  }

  /**
   * Calls {@code listener} each time another catalogue is put in service, on the thread that put it
   * there (the scan thread, or a request's for {@link #refresh}): it must hand any work over to a
   * thread of its own. Lets what derives from the catalogue (its embeddings) start at once rather
   * than at its next poll.
   */
  public void onCatalogChange(Runnable listener) {
    catalogListeners.add(listener);
  }

  private void inService(Catalog next) {
    if (next != catalog) { // a scan that found nothing changed keeps the catalogue it had
      catalog = next;
      catalogListeners.forEach(Runnable::run);
    }
  }

  /** The root directory being served. */
  public Path root() {
    return root;
  }

  CadenzaProperties.Library settings() {
    return settings;
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

  /**
   * Scans now, on the scan thread; completes when the catalogue has been replaced. Coalesced as
   * {@link #requestScan} says.
   */
  public CompletableFuture<ScanReport> rescan() {
    return requestScan().done();
  }

  /**
   * Asks for a scan. Requests coalesce: one arriving while a scan runs (requested, periodic or the
   * shared catalogue's) queues one scan to run after it, and every request arriving while that one
   * still waits joins it; so a burst of requests costs at most the running scan and one more. All
   * scans run one at a time on the scan thread. With a shared catalogue the lease holder scans, and
   * the request of a pod that does not hold the lease completes at once with the last scan known
   * ({@link DynamoDbCatalogSharing#rescan}).
   */
  public ScanRequest requestScan() {
    synchronized (scanRequests) {
      if (waitingScan != null) {
        return new ScanRequest(waitingScan.id(), ScanRequest.Outcome.JOINED, waitingScan.done());
      }
      ScanRequest.Outcome outcome =
          progress.running ? ScanRequest.Outcome.QUEUED : ScanRequest.Outcome.STARTED;
      ScanRequest request = new ScanRequest(++requestedScans, outcome, new CompletableFuture<>());
      scheduler.execute(() -> runRequested(request)); // throws when stopped, before it waits
      waitingScan = request;
      return request;
    }
  }

  /** On the scan thread: the waiting request starts, so later ones queue a new scan. */
  private void runRequested(ScanRequest request) {
    synchronized (scanRequests) {
      waitingScan = null;
    }
    try {
      request.done().complete(sharing.rescan());
    } catch (RuntimeException e) {
      request.done().completeExceptionally(e);
    }
  }

  /**
   * Brings one track up to date with its file when the file changed after the last scan: a new
   * version (and ETag), tags read again. Empty when the file is gone or no longer readable. Local
   * to this pod: with a shared catalogue, the lease holder's next scan writes the change.
   */
  public synchronized Optional<Track> refresh(Track track, FileVersion current) {
    Track latest = catalog.track(track.id()).orElse(track);
    if (latest.version().equals(current)) {
      return Optional.of(latest);
    }
    try {
      filesRead.increment();
      FileTags fileTags = tagReader.read(track.file(), track.format(), current.size());
      Track updated =
          new Track(track.id(), track.path(), track.file(), track.format(), current, fileTags);
      inService(catalog.with(track.id(), updated));
      log.info("'{}' changed on disk; new ETag {}", track.path(), updated.etag());
      return Optional.of(updated);
    } catch (TagReader.UnreadableFileException e) {
      scanner.unreadable(
          track.path(),
          "'" + track.path() + "' changed on disk and is no longer readable: " + e.getMessage());
      inService(catalog.with(track.id(), null));
      return Optional.empty();
    }
  }

  /**
   * Drops a track whose file has disappeared since the last scan. Local to this pod, like {@link
   * #refresh}.
   */
  public synchronized void forget(Track track) {
    if (catalog.track(track.id()).isPresent()) {
      inService(catalog.with(track.id(), null));
      log.info("'{}' is gone from disk; removed from the catalogue", track.path());
    }
  }

  /** Starts or stops watching the library for changes (only the pod that scans watches). */
  void watch(boolean on) {
    if (on) {
      watcher.start();
    } else {
      watcher.stop();
    }
  }

  /**
   * From the watch thread: the touched paths are applied on the scan thread, as the sharing says.
   */
  private void changed(Set<Path> touched) {
    try {
      scheduler.execute(() -> sharing.changed(touched));
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  /** From the watch thread: it missed changes (overflow) or stopped; a scan finds them. */
  private void rescanForWatch() {
    try {
      requestScan();
    } catch (RejectedExecutionException e) {
      // stopping
    }
  }

  /**
   * On the scan thread: brings the catalogue in service up to date with just the {@code touched}
   * paths, without a walk of the tree ({@link PathChanges}); returns what changed.
   */
  PathChanges.Applied apply(Set<Path> touched) {
    PathChanges.Applied applied;
    synchronized (this) {
      long started = System.nanoTime();
      applied = pathChanges.apply(catalog, touched);
      inService(applied.catalog());
      applyTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }
    if (applied.changedAnything()) {
      log.info(
          "Applied {} changed path{}: {} tracks ({} added, {} changed, {} removed)",
          touched.size(),
          touched.size() == 1 ? "" : "s",
          applied.catalog().tracks().size(),
          applied.added(),
          applied.changed(),
          applied.removed());
    }
    return applied;
  }

  /**
   * Scans against the catalogue in service and puts the result in service; on the scan thread, for
   * the {@link CatalogSharing}. Throws when the scan fails (logged here); the previous catalogue
   * stays in service.
   */
  LibraryScanner.Result scan() {
    // the first scan may take long and is worth a line; a rescan says all in its one-line report
    if (lastScan == null) {
      log.info("Scanning library {}", root);
    } else {
      log.debug("Scanning library {}", root);
    }
    try {
      LibraryScanner.Result result = scanTimer.recordCallable(() -> scanner.scan(catalog));
      ScanReport r = result.report();
      synchronized (this) {
        inService(result.catalog());
      }
      lastScan = r;
      if (lastError != null) {
        log.info("Library scans succeed again (the last one failed: {})", lastError);
      }
      lastError = null;
      loaded = false;
      log.info(
          "Scanned {} in {} ms: {} tracks ({} added, {} changed, {} removed), {} unreadable, {}"
              + " other files ignored; skipped paths: {} new, {} no longer",
          root,
          r.duration().toMillis(),
          result.catalog().tracks().size(),
          r.added(),
          r.changed(),
          r.removed(),
          r.skippedCount(),
          r.ignored(),
          result.newProblems(),
          result.solvedProblems());
      return result;
    } catch (NoSuchFileException e) {
      failed("library root is missing: " + root, null);
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      if (stopping) {
        log.info("Library scan stopped: the service is stopping");
        throw new IllegalStateException(e);
      }
      failed(e.toString(), e);
      throw new IllegalStateException(e);
    } finally {
      firstScan.complete(null);
    }
  }

  /**
   * A failed scan: logged as an error when it fails for a new reason, at debug level while it keeps
   * failing for the same one (at every rescan interval); the previous catalogue stays in service.
   */
  private void failed(String error, Exception e) {
    if (error.equals(lastError)) {
      log.debug("Library scan failed again: {}", error);
    } else if (e == null) {
      log.error("Library scan failed: {}", error);
    } else {
      log.error("Library scan failed; the previous catalogue stays in service", e);
    }
    lastError = error;
  }

  /**
   * Puts a catalogue loaded from elsewhere (the shared catalogue, or the one the last run saved) in
   * service, with the scan that made it when known; the library is ready from then on.
   */
  void serve(Collection<Track> tracks, ScanReport madeBy) {
    synchronized (this) {
      inService(new Catalog(tracks));
    }
    if (madeBy != null) {
      lastScan = madeBy;
    }
    lastError = null;
    loaded = true;
    firstScan.complete(null);
  }

  /** Shows {@code report} as the last scan: another pod's, of the catalogue this one serves. */
  void showScan(ScanReport report) {
    lastScan = report;
  }

  /** Whether the catalogue in service was loaded from elsewhere rather than scanned here. */
  boolean loaded() {
    return loaded;
  }

  /** Whether the first scan (or load) has finished, successfully or not. */
  boolean firstScanDone() {
    return firstScan.isDone();
  }

  /** Whether the service is stopping: a scan that fails now failed because of that. */
  boolean stopping() {
    return stopping;
  }

  // --- health and lifecycle ------------------------------------------------------------------

  @Override
  public Health health() {
    if (!firstScan.isDone()) {
      Health.Builder waiting =
          Health.outOfService()
              .withDetail("reason", sharing.waitingFor())
              .withDetail("filesRead", progress.filesRead.get())
              .withDetail("filesFound", progress.filesFound.get());
      sharing.describe(waiting);
      return waiting.build();
    }
    Health.Builder health = lastScan == null && !loaded ? Health.down() : Health.up();
    health.withDetail("tracks", catalog.tracks().size());
    sharing.describe(health);
    watcher.describe(health);
    if (lastError != null) {
      health.withDetail("lastError", lastError);
    }
    return health.build();
  }

  /**
   * {@code catalogue}: the tracks in service, how this pod keeps them and, when shared, the
   * generation it serves; no paths, hosts or pod names, since the Ingress exposes the pod.
   */
  @Override
  public void contribute(Info.Builder info) {
    Map<String, Object> catalogue = new LinkedHashMap<>();
    catalogue.put("tracks", catalog.tracks().size());
    catalogue.put("mode", sharing.mode().label());
    long generation = sharing.generation();
    if (generation >= 0) {
      catalogue.put("generation", generation);
    }
    info.withDetail("catalogue", catalogue);
  }

  @Override
  public void start() {
    stopping = false;
    scheduler = daemonScheduler("cadenza-library-scan");
    sharing.start(this, scheduler);
  }

  static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  /** Stops scanning; the lease holder gives the lease up so that another pod takes it at once. */
  @Override
  public void stop() {
    halt();
    sharing.leave();
  }

  /** Stops the threads without releasing the lease, as a crash would; for tests. */
  void halt() {
    stopping = true;
    watcher.stop();
    scheduler.shutdownNow();
    sharing.halt();
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
