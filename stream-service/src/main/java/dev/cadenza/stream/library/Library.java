package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.CatalogItems.Head;
import dev.cadenza.stream.library.CatalogItems.Lease;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Service;

/**
 * The music library: the current catalogue, kept up to date by a scan at start-up and rescans at an
 * interval. Readiness is down until the first scan has finished (or, with a shared catalogue, until
 * the catalogue has been loaded).
 *
 * <p>With DynamoDB configured (a {@link SharedTables} bean), the catalogue is shared by all pods
 * through the catalog table (docs/shared-catalogue.md): the pod holding the scan lease scans and
 * writes what changed; the others load the catalogue from the table and reload it when its
 * generation moves. When DynamoDB fails the pod keeps its catalogue and scans locally, as without
 * DynamoDB, until DynamoDB answers again. Requests never wait for DynamoDB: all of this runs on the
 * scan thread, and the lease is renewed on a thread of its own.
 */
@Service
public final class Library implements SmartLifecycle, HealthIndicator {

  private static final Logger log = LoggerFactory.getLogger(Library.class);

  /** How this pod keeps its catalogue; shown in the health details. */
  enum Mode {
    /** Scans the library itself: no DynamoDB, or DynamoDB is failing. */
    LOCAL("local"),
    /** Holds the scan lease: scans and writes the shared catalogue. */
    SCANNER("shared-scanner"),
    /** Loads the shared catalogue and follows its changes. */
    FOLLOWER("shared-follower");

    private final String label;

    Mode(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

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
  private volatile boolean stopping;

  // --- the shared catalogue; table is null in the embedded default ---------------------------

  private final CatalogTable table;
  private final Duration leaseDuration;
  private final Duration catalogPoll;
  private final String me;
  private final Counter leaseAcquired;
  private final Counter leaseLost;
  private final Counter errors;
  private final Timer loads;
  private ScheduledExecutorService leaseRenewer;
  private final Object leaseLock = new Object();

  private volatile Mode mode;

  /** Generation of the table state {@link #published} mirrors: 0 no head, -1 unknown. */
  private volatile long generation = -1;

  private volatile String leaseHolder;
  private volatile boolean holding;
  private volatile long holdingUntil; // System.nanoTime()
  private volatile long scanRequestedAtMs;

  /** Why DynamoDB failed last; null while it answers. */
  private volatile String unavailable;

  /** Whether the catalogue in service came from the table. */
  private volatile boolean fromTable;

  // scan thread only
  private Map<String, Track> published = Map.of();
  private boolean dirty;
  private long lastHolderScanMs;
  private long nextHolderScan; // System.nanoTime()
  private long nextLocalScan; // System.nanoTime()
  private long acquireNotBefore; // System.nanoTime()

  /** The embedded default: no shared catalogue. */
  public Library(CadenzaProperties properties, TagReader tagReader, MeterRegistry meters)
      throws IOException {
    this(properties, tagReader, meters, (SharedTables) null);
  }

  /** Shares the catalogue through DynamoDB when a {@link SharedTables} bean exists. */
  @Autowired
  public Library(
      CadenzaProperties properties,
      TagReader tagReader,
      MeterRegistry meters,
      ObjectProvider<SharedTables> tables)
      throws IOException {
    this(properties, tagReader, meters, tables.getIfAvailable());
  }

  /**
   * A library that shares its catalogue through {@code tables}' catalog table, or keeps it to
   * itself when {@code tables} is null.
   */
  public Library(
      CadenzaProperties properties, TagReader tagReader, MeterRegistry meters, SharedTables tables)
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

    if (tables == null) {
      this.table = null;
      this.leaseDuration = null;
      this.catalogPoll = null;
      this.me = null;
      this.leaseAcquired = null;
      this.leaseLost = null;
      this.errors = null;
      this.loads = null;
      this.mode = Mode.LOCAL;
      return;
    }
    CadenzaProperties.DynamoDb dynamodb = tables.settings();
    this.leaseDuration = dynamodb.leaseDuration();
    this.catalogPoll = dynamodb.catalogPoll();
    this.me = holderId();
    this.table =
        new CatalogTable(
            tables,
            root,
            settings.progressInterval(),
            Counter.builder("cadenza.library.shared.items.written")
                .description("Track items this pod wrote to the shared catalogue")
                .register(meters),
            Counter.builder("cadenza.library.shared.items.deleted")
                .description("Track items this pod deleted from the shared catalogue")
                .register(meters));
    this.leaseAcquired =
        Counter.builder("cadenza.library.shared.lease.acquired")
            .description("Times this pod took the scan lease")
            .register(meters);
    this.leaseLost =
        Counter.builder("cadenza.library.shared.lease.lost")
            .description("Times this pod lost the scan lease without giving it up")
            .register(meters);
    this.errors =
        Counter.builder("cadenza.library.shared.errors")
            .description("Failed DynamoDB calls of the shared catalogue")
            .register(meters);
    this.loads =
        Timer.builder("cadenza.library.shared.load")
            .description("Loads of the whole shared catalogue from DynamoDB")
            .register(meters);
    Gauge.builder("cadenza.library.shared.generation", this, l -> l.generation)
        .description("Generation of the shared catalogue this pod serves (-1: unknown)")
        .register(meters);
    Gauge.builder("cadenza.library.shared.lease.held", this, l -> l.holds() ? 1 : 0)
        .description("1 while this pod holds the scan lease")
        .register(meters);
    this.mode = Mode.FOLLOWER;
    log.info(
        "The catalogue is shared through {} (this pod is {}; lease {}, poll {})",
        table.name(),
        me,
        leaseDuration,
        catalogPoll);
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

  /**
   * Scans now, on the scan thread; completes when the catalogue has been replaced.
   *
   * <p>With a shared catalogue: the lease holder scans and writes the changes; a pod that can take
   * the lease (it is free or expired) takes it and does the same. Otherwise the request is left on
   * the lease for its holder, which scans when it next renews the lease (within a quarter of the
   * lease duration and a poll), and this pod picks the result up at its next poll; the future then
   * completes at once, with the last scan known. While DynamoDB fails, the pod scans locally.
   */
  public CompletableFuture<ScanReport> rescan() {
    if (table == null) {
      return CompletableFuture.supplyAsync(this::scanOnce, scheduler);
    }
    return CompletableFuture.supplyAsync(() -> sharedTick(true), scheduler);
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

  /**
   * Drops a track whose file has disappeared since the last scan. Local to this pod, like {@link
   * #refresh}.
   */
  public synchronized void forget(Track track) {
    if (catalog.track(track.id()).isPresent()) {
      catalog = catalog.with(track.id(), null);
      log.info("'{}' is gone from disk; removed from the catalogue", track.path());
    }
  }

  private ScanReport scanOnce() {
    return scanNow().report();
  }

  /** Scans against the catalogue in service and puts the result in service. */
  private LibraryScanner.Result scanNow() {
    log.info("Scanning library {}", root);
    try {
      LibraryScanner.Result result = scanTimer.recordCallable(() -> scanner.scan(catalog));
      ScanReport r = result.report();
      synchronized (this) {
        catalog = result.catalog();
      }
      lastScan = r;
      lastError = null;
      fromTable = false;
      log.info(
          "Scanned {} in {} ms: {} tracks ({} added, {} changed, {} removed), {} skipped, {} other"
              + " files ignored",
          root,
          r.duration().toMillis(),
          result.catalog().tracks().size(),
          r.added(),
          r.changed(),
          r.removed(),
          r.skippedCount(),
          r.ignored());
      return result;
    } catch (NoSuchFileException e) {
      lastError = "library root is missing: " + root;
      log.error("Library scan failed: {}", lastError);
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      if (stopping) {
        log.info("Library scan stopped: the service is stopping");
        throw new IllegalStateException(e);
      }
      lastError = e.toString();
      log.error("Library scan failed; the previous catalogue stays in service", e);
      throw new IllegalStateException(e);
    } finally {
      firstScan.complete(null);
    }
  }

  // --- the shared catalogue ------------------------------------------------------------------

  /**
   * One round on the scan thread: read the head and the lease; take the lease when it is free;
   * then, holding it, scan when due and write the changes, or else reload the catalogue when its
   * generation moved. Falls back to local scans while DynamoDB fails. Returns the last scan known.
   */
  private ScanReport sharedTick(boolean requested) {
    long now = System.currentTimeMillis();
    CatalogTable.State state;
    try {
      state = table.read();
    } catch (RuntimeException e) {
      if (stopping) {
        return lastScan;
      }
      return fallback("reading " + table.name(), e, requested);
    }
    answered();
    try {
      if (holding && !holds()) {
        lose("not renewed within " + leaseDuration.dividedBy(2));
      }
      Lease lease = state.lease();
      if (!holds()) {
        boolean free = lease == null || !lease.liveAt(now) || me.equals(lease.holder());
        if (free && System.nanoTime() - acquireNotBefore >= 0) {
          long sent = System.nanoTime();
          if (table.acquire(me, now, leaseDuration)) {
            took(sent);
            lease = new Lease(me, now + leaseDuration.toMillis(), 0);
          }
        }
      }
      leaseHolder = lease != null && lease.liveAt(now) ? lease.holder() : null;
      Head head = state.head();
      if (holds()) {
        mode = Mode.SCANNER;
        if (dirty || generation != (head == null ? 0 : head.generation())) {
          reload(head);
        }
        if (requested || holderScanDue()) {
          scanAndPublish(head);
        }
      } else {
        mode = Mode.FOLLOWER;
        if (requested && !table.requestScan(now)) {
          log.info("Scan requested, but no pod holds the scan lease; it is taken at the next poll");
        }
        if (head != null && (dirty || generation != head.generation())) {
          reload(head);
        } else if (head != null && fromTable && head.lastScan() != null) {
          lastScan = head.lastScan(); // the holder's latest scan, also when it changed nothing
        }
      }
    } catch (CatalogTable.LeaseLostException e) {
      dirty = true;
      lose(e.getMessage());
    } catch (RuntimeException e) {
      dirty = true;
      if (stopping) {
        return lastScan;
      }
      return fallback("updating the shared catalogue in " + table.name(), e, requested);
    }
    return lastScan;
  }

  private boolean holderScanDue() {
    return scanRequestedAtMs > lastHolderScanMs || System.nanoTime() - nextHolderScan >= 0;
  }

  /**
   * Scans as the lease holder (against the catalogue in service, so unchanged files are not read)
   * and writes what differs from the table: puts, deletes, then the head, one generation up,
   * conditional on the generation it read.
   */
  private void scanAndPublish(Head head) {
    lastHolderScanMs = System.currentTimeMillis();
    LibraryScanner.Result result;
    try {
      result = scanNow();
    } catch (RuntimeException e) {
      if (!stopping) {
        // logged; another pod may see the library intact: let it try first
        giveUp("the scan failed");
      }
      return;
    } finally {
      long every = settings.rescanInterval().toNanos(); // as in local mode: from the scan's end
      nextHolderScan = System.nanoTime() + (every > 0 ? every : Long.MAX_VALUE / 2);
    }
    Map<String, Track> next = new HashMap<>();
    List<Track> puts = new ArrayList<>();
    for (Track t : result.catalog().tracks()) {
      next.put(t.id(), t);
      Track stored = published.get(t.id());
      if (stored == null || !CatalogItems.sameItem(stored, t)) {
        puts.add(t);
      }
    }
    List<String> deletes = published.keySet().stream().filter(id -> !next.containsKey(id)).toList();
    if (puts.isEmpty() && deletes.isEmpty() && head != null) {
      // same generation, so nobody reloads; the followers show this scan as the last one
      Head same = new Head(head.generation(), next.size(), Instant.now(), me, result.report());
      if (!holds() || !table.putHead(same, head.generation())) {
        dirty = true;
      }
      log.debug("The shared catalogue is up to date (generation {})", generation);
      return;
    }
    long expected = head == null ? 0 : head.generation();
    long nextGeneration = expected + 1;
    long started = System.nanoTime();
    dirty = true; // until the head is written, the table is between two generations
    table.write(puts, deletes, nextGeneration, this::holds);
    Head written = new Head(nextGeneration, next.size(), Instant.now(), me, result.report());
    if (!holds()) {
      throw new CatalogTable.LeaseLostException(
          puts.size() + deletes.size(), puts.size() + deletes.size());
    }
    if (!table.putHead(written, expected)) {
      errors.increment();
      log.warn(
          "Another pod wrote the shared catalogue while this pod wrote generation {}; reloading it",
          nextGeneration);
      return;
    }
    published = next;
    generation = nextGeneration;
    dirty = false;
    log.info(
        "Wrote generation {} of the shared catalogue in {} ms: {} tracks, {} items written, {}"
            + " deleted",
        nextGeneration,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        next.size(),
        puts.size(),
        deletes.size());
  }

  /**
   * Loads every track item. Followers (and a new holder without a catalogue of its own) serve the
   * result; a holder that has a catalogue keeps it and rescans against the table instead.
   */
  private void reload(Head head) {
    long started = System.nanoTime();
    Map<String, Track> tracks = table.load(head == null ? 0 : head.tracks());
    loads.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    published = tracks;
    generation = head == null ? 0 : head.generation();
    dirty = false;
    if (head == null) {
      // a holder before the first head: leftovers of an unfinished first write get deleted
      nextHolderScan = System.nanoTime();
      return;
    }
    if (holds() && firstScan.isDone()) {
      nextHolderScan = System.nanoTime();
    } else {
      synchronized (this) {
        catalog = new Catalog(tracks.values());
      }
      if (head.lastScan() != null) {
        lastScan = head.lastScan();
      }
      lastError = null;
      fromTable = true;
      firstScan.complete(null);
    }
    log.info(
        "Loaded generation {} of the shared catalogue in {} ms: {} tracks (written by {} at {})",
        head.generation(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
        tracks.size(),
        head.holder(),
        head.updatedAt());
  }

  /**
   * DynamoDB failed: keep the catalogue in service, scan locally when there is none yet and then at
   * the rescan interval, and try DynamoDB again at the next poll.
   */
  private ScanReport fallback(String what, RuntimeException e, boolean requested) {
    errors.increment();
    long every = settings.rescanInterval().toNanos();
    if (unavailable == null) {
      log.warn(
          "DynamoDB is unavailable ({}: {}); this pod keeps its catalogue, scans the library"
              + " itself and rejoins the shared catalogue when DynamoDB answers again",
          what,
          describe(e));
      nextLocalScan = System.nanoTime() + (every > 0 ? every : Long.MAX_VALUE / 2);
    } else {
      log.debug("DynamoDB still unavailable ({}): {}", what, describe(e));
    }
    unavailable = what + ": " + describe(e);
    mode = Mode.LOCAL;
    if (!firstScan.isDone() || requested || System.nanoTime() - nextLocalScan >= 0) {
      nextLocalScan = System.nanoTime() + (every > 0 ? every : Long.MAX_VALUE / 2);
      try {
        scanNow();
      } catch (RuntimeException scanFailed) {
        // logged; the previous catalogue stays in service
      }
    }
    return lastScan;
  }

  private void answered() {
    if (unavailable != null) {
      log.info("DynamoDB answers again; rejoining the shared catalogue in {}", table.name());
      unavailable = null;
      dirty = true; // what the table holds may have moved meanwhile
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  // --- the scan lease -------------------------------------------------------------------------

  /** Whether this pod may act as the holder: it holds the lease, renewed recently enough. */
  boolean holds() {
    return holding && System.nanoTime() - holdingUntil < 0;
  }

  private void took(long sentNanos) {
    synchronized (leaseLock) {
      holdingUntil = sentNanos + leaseDuration.toNanos() / 2;
      holding = true;
      scanRequestedAtMs = 0;
    }
    nextHolderScan = System.nanoTime();
    leaseAcquired.increment();
    log.info(
        "This pod ({}) took the scan lease: it scans the library and writes the shared catalogue",
        me);
  }

  private void lose(String reason) {
    synchronized (leaseLock) {
      if (!holding) {
        return;
      }
      holding = false;
    }
    leaseLost.increment();
    log.warn("This pod lost the scan lease ({}); it follows the shared catalogue", reason);
  }

  /** Releases the lease and leaves it to the other pods for one lease duration. */
  private void giveUp(String reason) {
    synchronized (leaseLock) {
      holding = false;
    }
    acquireNotBefore = System.nanoTime() + leaseDuration.toNanos();
    try {
      table.release(me, Duration.ofSeconds(5));
      log.warn("Gave the scan lease up ({}) for another pod to take", reason);
    } catch (RuntimeException e) {
      log.warn("Gave the scan lease up ({}); it expires by itself", reason);
    }
  }

  /** On the lease thread: extends the lease while this pod holds it. */
  private void renewLease() {
    if (!holding) {
      return;
    }
    long sent = System.nanoTime();
    try {
      Lease lease = table.renew(me, System.currentTimeMillis(), leaseDuration);
      if (lease == null) {
        lose("another pod took it");
        return;
      }
      holdingUntil = sent + leaseDuration.toNanos() / 2;
      scanRequestedAtMs = lease.scanRequestedAtMs();
    } catch (RuntimeException e) {
      errors.increment();
      log.debug("Could not renew the scan lease: {}", describe(e));
    }
  }

  private static String holderId() {
    String host = System.getenv("HOSTNAME");
    if (host == null || host.isBlank()) {
      try {
        host = InetAddress.getLocalHost().getHostName();
      } catch (IOException e) {
        host = "pod";
      }
    }
    return host + "-" + String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
  }

  // --- health and lifecycle ------------------------------------------------------------------

  @Override
  public Health health() {
    if (!firstScan.isDone()) {
      Health.Builder waiting =
          Health.outOfService()
              .withDetail("reason", waitingFor())
              .withDetail("filesRead", progress.filesRead.get())
              .withDetail("filesFound", progress.filesFound.get());
      return withMode(waiting).build();
    }
    Health.Builder health = lastScan == null && !fromTable ? Health.down() : Health.up();
    health.withDetail("tracks", catalog.tracks().size());
    withMode(health);
    if (lastError != null) {
      health.withDetail("lastError", lastError);
    }
    return health.build();
  }

  private String waitingFor() {
    String holder = leaseHolder;
    if (table == null || unavailable != null || holds() || holder == null) {
      return "first library scan running";
    }
    if (generation < 0 && !holder.equals(me)) {
      return "waiting for " + holder + " to scan the library for the shared catalogue";
    }
    return "loading the shared catalogue";
  }

  private Health.Builder withMode(Health.Builder health) {
    health.withDetail("mode", mode.label());
    if (table != null) {
      health.withDetail("generation", generation);
      health.withDetail("leaseHolder", leaseHolder == null ? "none" : leaseHolder);
      health.withDetail("pod", me);
      if (unavailable != null) {
        health.withDetail("dynamodb", "unavailable (" + unavailable + ")");
      }
    }
    return health;
  }

  @Override
  public void start() {
    stopping = false;
    scheduler = daemonScheduler("cadenza-library-scan");
    if (table != null) {
      long poll = catalogPoll.toMillis();
      scheduler.scheduleWithFixedDelay(
          () -> {
            try {
              sharedTick(false);
            } catch (RuntimeException e) {
              log.error("Shared catalogue round failed", e); // the schedule must go on
            }
          },
          0,
          poll,
          TimeUnit.MILLISECONDS);
      long renew = Math.max(1, leaseDuration.toMillis() / 4);
      leaseRenewer = daemonScheduler("cadenza-library-lease");
      leaseRenewer.scheduleWithFixedDelay(this::renewLease, renew, renew, TimeUnit.MILLISECONDS);
      return;
    }
    long every = settings.rescanInterval().toMillis();
    if (every > 0) {
      scheduler.scheduleWithFixedDelay(this::scanQuietly, 0, every, TimeUnit.MILLISECONDS);
    } else {
      scheduler.execute(this::scanQuietly);
    }
  }

  private static ScheduledExecutorService daemonScheduler(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }

  private void scanQuietly() {
    try {
      scanOnce();
    } catch (RuntimeException e) {
      // already logged; the schedule must go on
    }
  }

  /** Stops scanning; the lease holder gives the lease up so that another pod takes it at once. */
  @Override
  public void stop() {
    halt();
    if (table == null) {
      return;
    }
    try {
      scheduler.awaitTermination(5, TimeUnit.SECONDS); // a write stops before its next batch
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (holding) {
      holding = false;
      try {
        table.release(me, Duration.ofSeconds(2));
        log.info("Released the scan lease");
      } catch (RuntimeException e) {
        log.info("Could not release the scan lease ({}); it expires by itself", describe(e));
      }
    }
  }

  /** Stops the threads without releasing the lease, as a crash would; for tests. */
  void halt() {
    stopping = true;
    scheduler.shutdownNow();
    if (leaseRenewer != null) {
      leaseRenewer.shutdownNow();
    }
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
