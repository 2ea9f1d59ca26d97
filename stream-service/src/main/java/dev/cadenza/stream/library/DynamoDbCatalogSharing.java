package dev.cadenza.stream.library;

import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.stream.library.CatalogItems.Head;
import dev.cadenza.stream.library.CatalogItems.Lease;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;

/**
 * The catalogue shared by all pods through the DynamoDB catalog table (docs/shared-catalogue.md):
 * the pod holding the scan lease scans and writes what changed; the others load the catalogue from
 * the table and reload it when its generation moves. When DynamoDB fails the pod keeps its
 * catalogue and scans locally until DynamoDB answers again. Each round runs on the library's scan
 * thread; the lease is renewed on a thread of its own, so that a long scan or write does not let it
 * run out. Its {@code cadenza.library.shared.*} metrics and health details are this pod's part in
 * the sharing.
 */
final class DynamoDbCatalogSharing implements CatalogSharing {

  private static final Logger log = LoggerFactory.getLogger(DynamoDbCatalogSharing.class);

  private final SharedTables tables;
  private final Duration leaseDuration;
  private final Duration catalogPoll;
  private final String me;
  private final Counter written;
  private final Counter deleted;
  private final Counter leaseAcquired;
  private final Counter leaseLost;
  private final Counter errors;
  private final Timer loads;
  private final Object leaseLock = new Object();

  // set by start()
  private Library library;
  private CatalogTable table;
  private ScheduledExecutorService scanThread;
  private ScheduledExecutorService leaseRenewer;

  private volatile Mode mode = Mode.FOLLOWER;

  /** Generation of the table state {@link #published} mirrors: 0 no head, -1 unknown. */
  private volatile long generation = -1;

  private volatile String leaseHolder;
  private volatile boolean holding;
  private volatile long holdingUntil; // System.nanoTime()
  private volatile long scanRequestedAtMs;

  /** Why DynamoDB failed last; null while it answers. */
  private volatile String unavailable;

  // scan thread only
  private Map<String, Track> published = Map.of();
  private boolean dirty;
  private long lastHolderScanMs;
  private long nextHolderScan; // System.nanoTime()
  private long nextLocalScan; // System.nanoTime()
  private long acquireNotBefore; // System.nanoTime()

  /** Shares through {@code tables}' catalog table, with this pod's lease id made up now. */
  DynamoDbCatalogSharing(SharedTables tables, MeterRegistry meters) {
    this.tables = tables;
    this.leaseDuration = tables.settings().leaseDuration();
    this.catalogPoll = tables.settings().catalogPoll();
    this.me = holderId();
    this.written =
        Counter.builder("cadenza.library.shared.items.written")
            .description("Track items this pod wrote to the shared catalogue")
            .register(meters);
    this.deleted =
        Counter.builder("cadenza.library.shared.items.deleted")
            .description("Track items this pod deleted from the shared catalogue")
            .register(meters);
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
    Gauge.builder("cadenza.library.shared.generation", this, s -> s.generation)
        .description("Generation of the shared catalogue this pod serves (-1: unknown)")
        .register(meters);
    Gauge.builder("cadenza.library.shared.lease.held", this, s -> s.holds() ? 1 : 0)
        .description("1 while this pod holds the scan lease")
        .register(meters);
    log.info(
        "The catalogue is shared through {} (this pod is {}; lease {}, poll {})",
        tables.catalog(),
        me,
        leaseDuration,
        catalogPoll);
  }

  @Override
  public void start(Library library, ScheduledExecutorService scanThread) {
    this.library = library;
    this.scanThread = scanThread;
    this.table =
        new CatalogTable(
            tables, library.root(), library.settings().progressInterval(), written, deleted);
    scanThread.scheduleWithFixedDelay(
        () -> {
          try {
            round(false);
          } catch (RuntimeException e) {
            log.error("Shared catalogue round failed", e); // the schedule must go on
          }
        },
        0,
        catalogPoll.toMillis(),
        TimeUnit.MILLISECONDS);
    long renew = Math.max(1, leaseDuration.toMillis() / 4);
    leaseRenewer = Library.daemonScheduler("cadenza-library-lease");
    leaseRenewer.scheduleWithFixedDelay(this::renewLease, renew, renew, TimeUnit.MILLISECONDS);
  }

  /**
   * The lease holder scans and writes the changes; a pod that can take the lease (it is free or
   * expired) takes it and does the same. Otherwise the request is left on the lease for its holder,
   * which scans when it next renews the lease (within a quarter of the lease duration and a poll),
   * and this pod picks the result up at its next poll; this returns at once, with the last scan
   * known. While DynamoDB fails, the pod scans locally.
   */
  @Override
  public ScanReport rescan() {
    return round(true);
  }

  /**
   * One round on the scan thread: read the head and the lease; take the lease when it is free;
   * then, holding it, scan when due and write the changes, or else reload the catalogue when its
   * generation moved. Falls back to local scans while DynamoDB fails. Returns the last scan known.
   */
  private ScanReport round(boolean requested) {
    long now = System.currentTimeMillis();
    CatalogTable.State state;
    try {
      state = table.read();
    } catch (RuntimeException e) {
      if (library.stopping()) {
        return lastScan();
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
        library.watch(true); // before its scan, so that nothing changed after the walk is missed
        if (dirty || generation != (head == null ? 0 : head.generation())) {
          reload(head);
        }
        if (requested || holderScanDue()) {
          scanAndPublish(head);
        }
      } else {
        mode = Mode.FOLLOWER;
        library.watch(false); // the holder watches
        if (requested && !table.requestScan(now)) {
          log.info("Scan requested, but no pod holds the scan lease; it is taken at the next poll");
        }
        if (head != null && (dirty || generation != head.generation())) {
          reload(head);
        } else if (head != null && library.loaded() && head.lastScan() != null) {
          library.showScan(head.lastScan()); // the holder's latest, also when it changed nothing
        }
      }
    } catch (CatalogTable.LeaseLostException e) {
      dirty = true;
      lose(e.getMessage());
    } catch (RuntimeException e) {
      dirty = true;
      if (library.stopping()) {
        return lastScan();
      }
      return fallback("updating the shared catalogue in " + table.name(), e, requested);
    }
    return lastScan();
  }

  private ScanReport lastScan() {
    return library.lastScan().orElse(null);
  }

  private boolean holderScanDue() {
    return scanRequestedAtMs > lastHolderScanMs || System.nanoTime() - nextHolderScan >= 0;
  }

  /**
   * Scans as the lease holder (against the catalogue in service, so unchanged files are not read)
   * and {@link #publish publishes} the result.
   */
  private void scanAndPublish(Head head) {
    lastHolderScanMs = System.currentTimeMillis();
    LibraryScanner.Result result;
    try {
      result = library.scan();
    } catch (RuntimeException e) {
      if (!library.stopping()) {
        // logged; another pod may see the library intact: let it try first
        giveUp("the scan failed");
      }
      return;
    } finally {
      nextHolderScan = System.nanoTime() + rescanEvery(); // as in local mode: from the scan's end
    }
    publish(result.catalog(), result.report(), head);
  }

  /**
   * As the lease holder, writes what the library watch changed, as a scan's result; when the table
   * moved meanwhile (or cannot be read), the next round reloads it and rescans instead.
   */
  @Override
  public void changed(Set<Path> touched) {
    if (mode == Mode.FOLLOWER) {
      return; // a batch seen before the lease was lost: the new holder's watch or scan has it
    }
    PathChanges.Applied applied = library.apply(touched);
    if (!applied.changedAnything() || mode != Mode.SCANNER) {
      return; // LOCAL: DynamoDB fails; rejoining reloads the table and rescans
    }
    try {
      Head head = table.read().head();
      if (!holds() || dirty || generation != (head == null ? 0 : head.generation())) {
        dirty = true;
        return;
      }
      publish(applied.catalog(), lastScan(), head);
    } catch (CatalogTable.LeaseLostException e) {
      dirty = true;
      lose(e.getMessage());
    } catch (RuntimeException e) {
      dirty = true;
      errors.increment();
      log.warn(
          "Could not write the watched changes to the shared catalogue ({}); the next round does",
          describe(e));
    }
  }

  /**
   * Writes what differs between {@code catalog} and the table: puts, deletes, then the head, one
   * generation up, conditional on the generation it read; {@code report} is the scan it shows.
   */
  private void publish(Catalog catalog, ScanReport report, Head head) {
    Map<String, Track> next = new HashMap<>();
    List<Track> puts = new ArrayList<>();
    for (Track t : catalog.tracks()) {
      next.put(t.id(), t);
      Track stored = published.get(t.id());
      if (stored == null || !CatalogItems.sameItem(stored, t)) {
        puts.add(t);
      }
    }
    List<String> deletes = published.keySet().stream().filter(id -> !next.containsKey(id)).toList();
    if (puts.isEmpty() && deletes.isEmpty() && head != null) {
      // same generation, so nobody reloads; the followers show this scan as the last one
      Head same = new Head(head.generation(), next.size(), Instant.now(), me, report);
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
    Head written = new Head(nextGeneration, next.size(), Instant.now(), me, report);
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
    if (holds() && library.firstScanDone()) {
      nextHolderScan = System.nanoTime();
    } else {
      library.serve(tracks.values(), head.lastScan());
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
    library.watch(true);
    if (unavailable == null) {
      log.warn(
          "DynamoDB is unavailable ({}: {}); this pod keeps its catalogue, scans the library"
              + " itself and rejoins the shared catalogue when DynamoDB answers again",
          what,
          describe(e));
      nextLocalScan = System.nanoTime() + rescanEvery();
    } else {
      log.debug("DynamoDB still unavailable ({}): {}", what, describe(e));
    }
    unavailable = what + ": " + describe(e);
    mode = Mode.LOCAL;
    if (!library.firstScanDone() || requested || System.nanoTime() - nextLocalScan >= 0) {
      nextLocalScan = System.nanoTime() + rescanEvery();
      try {
        library.scan();
      } catch (RuntimeException scanFailed) {
        // logged; the previous catalogue stays in service
      }
    }
    return lastScan();
  }

  /** Nanoseconds from a scan's end to the next one; {@code rescan-interval} 0 means never. */
  private long rescanEvery() {
    long every = library.settings().rescanInterval().toNanos();
    return every > 0 ? every : Long.MAX_VALUE / 2;
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

  // --- lifecycle and health ------------------------------------------------------------------

  @Override
  public void halt() {
    if (leaseRenewer != null) {
      leaseRenewer.shutdownNow();
    }
  }

  /** Waits for the scan thread (a write stops before its next batch), then releases the lease. */
  @Override
  public void leave() {
    try {
      scanThread.awaitTermination(5, TimeUnit.SECONDS);
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

  @Override
  public String waitingFor() {
    String holder = leaseHolder;
    if (unavailable != null || holds() || holder == null) {
      return "first library scan running";
    }
    if (generation < 0 && !holder.equals(me)) {
      return "waiting for " + holder + " to scan the library for the shared catalogue";
    }
    return "loading the shared catalogue";
  }

  @Override
  public void describe(Health.Builder health) {
    health.withDetail("mode", mode.label());
    health.withDetail("generation", generation);
    health.withDetail("leaseHolder", leaseHolder == null ? "none" : leaseHolder);
    health.withDetail("pod", me);
    if (unavailable != null) {
      health.withDetail("dynamodb", "unavailable (" + unavailable + ")");
    }
  }

  @Override
  public Mode mode() {
    return mode;
  }

  @Override
  public long generation() {
    return generation;
  }
}
