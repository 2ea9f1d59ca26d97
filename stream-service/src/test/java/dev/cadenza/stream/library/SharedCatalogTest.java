package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static dev.cadenza.stream.library.LibraryFixtures.LOW_WATER;
import static dev.cadenza.stream.library.SharedCatalogFixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.dynamodb.SharedTables;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Status;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Several libraries (pods) sharing one catalogue through a real DynamoDB (dynalite): one scans, the
 * others follow; the lease passes on when its holder stops; DynamoDB failing leaves every pod
 * serving. One dynalite for the class; the test that stops DynamoDB starts one of its own.
 */
@ExtendWith(DynaliteExtension.class)
class SharedCatalogTest {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final Duration LEASE = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(200);

  @TempDir Path tmp;

  private Path root;
  private String prefix;
  private final List<Library> libraries = new ArrayList<>();
  private final List<SharedTables> clients = new ArrayList<>();
  private final Map<Library, SimpleMeterRegistry> meters = new HashMap<>();

  @BeforeAll
  static void quietLogs() {
    quietClientLogs();
  }

  @BeforeEach
  void library() throws Exception {
    root = LibraryFixtures.copyDemo(tmp.resolve("library"));
    prefix = SharedCatalogFixtures.uniquePrefix();
  }

  @AfterEach
  void stopAll() {
    libraries.forEach(Library::halt);
    clients.forEach(SharedTables::close);
  }

  private CadenzaProperties.DynamoDb settings(Dynalite server) {
    return SharedCatalogFixtures.dynamodb(prefix, server.endpoint(), LEASE, POLL);
  }

  private SharedTables createTables(Dynalite server) {
    SharedTables tables = client(settings(server));
    tables.createMissing(WAIT);
    return tables;
  }

  private SharedTables client(CadenzaProperties.DynamoDb settings) {
    SharedTables tables = SharedCatalogFixtures.tables(settings);
    clients.add(tables);
    return tables;
  }

  /** A started pod: a library over {@code root} with a DynamoDB client of its own. */
  private Library pod(Dynalite server, Duration rescanInterval) throws Exception {
    CadenzaProperties.DynamoDb dynamodb = settings(server);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Library library =
        new Library(
            SharedCatalogFixtures.properties(root, rescanInterval, dynamodb),
            new TagReader(),
            registry,
            new DynamoDbCatalogSharing(client(dynamodb), registry));
    meters.put(library, registry);
    libraries.add(library);
    library.start();
    return library;
  }

  private static Object detail(Library library, String name) {
    return library.health().getDetails().get(name);
  }

  private static String mode(Library library) {
    return (String) detail(library, "mode");
  }

  private long scans(Library library) {
    return meters.get(library).timer("cadenza.library.scan").count();
  }

  private double counter(Library library, String name) {
    return meters.get(library).counter(name).count();
  }

  private static Library scanner(Library... pods) {
    return List.of(pods).stream()
        .filter(p -> "shared-scanner".equals(mode(p)))
        .findFirst()
        .orElseThrow();
  }

  private static Library other(Library one, Library a, Library b) {
    return one == a ? b : a;
  }

  private static void awaitModes(Library a, Library b) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                new HashSet<>(List.of(mode(a), mode(b)))
                    .equals(Set.of("shared-scanner", "shared-follower")));
  }

  @Test
  void onePodScansTheOtherServesTheSameCatalogueAndFollowsItsChanges(Dynalite dynalite)
      throws Exception {
    createTables(dynalite);
    Library a = pod(dynalite, Duration.ZERO);
    Library b = pod(dynalite, Duration.ZERO);
    a.awaitFirstScan(30, TimeUnit.SECONDS);
    b.awaitFirstScan(30, TimeUnit.SECONDS);
    awaitModes(a, b);
    Library holder = scanner(a, b);
    Library follower = other(holder, a, b);

    await().atMost(WAIT).until(() -> follower.catalog().tracks().size() == 8);
    assertThat(scans(holder)).isEqualTo(1);
    assertThat(scans(follower)).isZero();
    assertThat(stored(follower.catalog())).isEqualTo(stored(holder.catalog()));
    assertThat(follower.catalog().tracks())
        .allSatisfy(t -> assertThat(t.file()).isEqualTo(root.toAbsolutePath().resolve(t.path())));
    assertThat(follower.catalog().tracks())
        .extracting(Track::id)
        .containsExactlyInAnyOrderElementsOf(
            LibraryFixtures.demoPaths().stream().map(Ids::track).toList());
    assertThat(follower.health().getStatus()).isEqualTo(Status.UP);
    assertThat(detail(follower, "generation")).isEqualTo(1L);
    assertThat(detail(follower, "leaseHolder")).isEqualTo(detail(holder, "pod"));
    assertThat(follower.lastScan()).isEqualTo(holder.lastScan());
    assertThat(counter(holder, "cadenza.library.shared.items.written")).isEqualTo(8);
    assertThat(meters.get(follower).timer("cadenza.library.shared.load").count()).isEqualTo(1);

    // a file added, one changed (other content, other tags), one removed
    String added = LibraryFixtures.ADDED;
    LibraryFixtures.addChangeAndRemove(root);

    // asked on the follower, the scan happens on the holder
    follower.rescan().get(30, TimeUnit.SECONDS);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(follower.track(Ids.track(added))).isPresent();
              assertThat(follower.track(Ids.track(LOW_WATER))).isEmpty();
              assertThat(follower.track(Ids.track(FIRST_LIGHT)))
                  .get()
                  .extracting(t -> t.tags().title())
                  .isEqualTo("Dorian Walk");
            });
    assertThat(stored(follower.catalog())).isEqualTo(stored(holder.catalog()));
    assertThat(follower.track(Ids.track(FIRST_LIGHT)).orElseThrow().version())
        .isEqualTo(FileVersion.of(root.resolve(FIRST_LIGHT)));
    assertThat(scans(holder)).isEqualTo(2);
    assertThat(scans(follower)).isZero();
    assertThat(detail(follower, "generation")).isEqualTo(2L);
    // only the difference was written
    assertThat(counter(holder, "cadenza.library.shared.items.written")).isEqualTo(8 + 2);
    assertThat(counter(holder, "cadenza.library.shared.items.deleted")).isEqualTo(1);
  }

  @Test
  void whenTheHolderDiesAnotherPodTakesTheLeaseOnceItExpires(Dynalite dynalite) throws Exception {
    createTables(dynalite);
    Library a = pod(dynalite, Duration.ZERO);
    Library b = pod(dynalite, Duration.ZERO);
    awaitModes(a, b);
    Library holder = scanner(a, b);
    Library follower = other(holder, a, b);
    await().atMost(WAIT).until(() -> follower.catalog().tracks().size() == 8);

    holder.halt(); // no release: the lease has to run out
    String added = "Late/Arrival.mp3";
    LibraryFixtures.copy(LibraryFixtures.demoFile(FIRST_LIGHT), root.resolve(added));

    await().atMost(WAIT).until(() -> "shared-scanner".equals(mode(follower)));
    assertThat(counter(follower, "cadenza.library.shared.lease.acquired")).isEqualTo(1);
    // the new holder scans at once, against the catalogue it loaded, and writes what changed
    await().atMost(WAIT).until(() -> follower.track(Ids.track(added)).isPresent());
    await().atMost(WAIT).until(() -> Long.valueOf(2).equals(detail(follower, "generation")));
    assertThat(scans(follower)).isEqualTo(1);
    assertThat(counter(follower, "cadenza.library.shared.items.written")).isEqualTo(1);

    // a pod starting now loads the new holder's catalogue
    Library late = pod(dynalite, Duration.ZERO);
    late.awaitFirstScan(30, TimeUnit.SECONDS);
    assertThat(stored(late.catalog())).isEqualTo(stored(follower.catalog()));
    assertThat(scans(late)).isZero();
  }

  @Test
  void aStoppedHolderHandsTheLeaseOver(Dynalite dynalite) throws Exception {
    SharedTables tables = createTables(dynalite);
    Library a = pod(dynalite, Duration.ZERO);
    Library b = pod(dynalite, Duration.ZERO);
    awaitModes(a, b);
    Library holder = scanner(a, b);
    Library follower = other(holder, a, b);
    await().atMost(WAIT).until(() -> follower.catalog().tracks().size() == 8);

    holder.stop(); // releases the lease: the follower need not wait for it to expire
    Map<String, AttributeValue> lease =
        tables
            .client()
            .getItem(
                r ->
                    r.tableName(tables.catalog()).key(CatalogItems.leaseKey()).consistentRead(true))
            .join()
            .item();
    assertThat(lease.isEmpty() ? null : CatalogItems.str(lease, CatalogItems.HOLDER))
        .isNotEqualTo(detail(holder, "pod"));
    await().atMost(WAIT).until(() -> "shared-scanner".equals(mode(follower)));
    assertThat(counter(holder, "cadenza.library.shared.lease.lost")).isZero();
    assertThat(detail(follower, "leaseHolder")).isEqualTo(detail(follower, "pod"));
  }

  @Test
  void withDynamoDbDownAtStartThePodScansItselfAndJoinsWhenItIsBack() throws Exception {
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    Logger sharingLog = (Logger) LoggerFactory.getLogger(DynamoDbCatalogSharing.class);
    logged.start();
    sharingLog.addAppender(logged);
    Dynalite own = Dynalite.start();
    try {
      createTables(own);
      own.stop();

      Library a = pod(own, Duration.ZERO);
      a.awaitFirstScan(30, TimeUnit.SECONDS);
      assertThat(a.health().getStatus()).isEqualTo(Status.UP);
      assertThat(a.catalog().tracks()).hasSize(8);
      assertThat(mode(a)).isEqualTo("local");
      assertThat((String) detail(a, "dynamodb")).startsWith("unavailable");
      assertThat(scans(a)).isEqualTo(1);
      // every poll fails, the warning is logged once
      await().atMost(WAIT).until(() -> counter(a, "cadenza.library.shared.errors") >= 3);
      assertThat(warnings(logged, "DynamoDB is unavailable")).isEqualTo(1);

      own.restart();
      await().atMost(WAIT).until(() -> "shared-scanner".equals(mode(a)));
      await().atMost(WAIT).until(() -> Long.valueOf(1).equals(detail(a, "generation")));
      assertThat(detail(a, "dynamodb")).isNull();

      // what it wrote is the shared catalogue: a pod starting now loads it without scanning
      Library b = pod(own, Duration.ZERO);
      b.awaitFirstScan(30, TimeUnit.SECONDS);
      assertThat(mode(b)).isEqualTo("shared-follower");
      assertThat(scans(b)).isZero();
      assertThat(stored(b.catalog())).isEqualTo(stored(a.catalog()));

      // DynamoDB gone again: both keep serving what they have, and stay ready
      own.stop();
      await().atMost(WAIT).until(() -> "local".equals(mode(a)) && "local".equals(mode(b)));
      for (Library pod : List.of(a, b)) {
        assertThat(pod.health().getStatus()).isEqualTo(Status.UP);
        assertThat(pod.catalog().tracks()).hasSize(8);
      }
      // ...and a scan asked for meanwhile happens locally
      Files.delete(root.resolve(LOW_WATER));
      assertThat(b.rescan().get(30, TimeUnit.SECONDS).removed()).isEqualTo(1);
      assertThat(b.track(Ids.track(LOW_WATER))).isEmpty();
    } finally {
      sharingLog.detachAppender(logged);
      own.close();
    }
  }

  @Test
  void aStrayTrackItemWithoutAHeadIsDeletedByTheFirstScan(Dynalite dynalite) throws Exception {
    SharedTables tables = createTables(dynalite);
    // left behind by a holder that died before writing its first head
    String gone = "Gone/Ghost.mp3";
    Track ghost =
        new Track(
            Ids.track(gone),
            gone,
            root.resolve(gone),
            AudioFormat.MP3,
            new FileVersion(1, Instant.EPOCH, Instant.EPOCH, 1),
            FileTags.NONE);
    tables
        .client()
        .putItem(b -> b.tableName(tables.catalog()).item(CatalogItems.trackItem(ghost, 1)))
        .join();

    Library a = pod(dynalite, Duration.ZERO);
    await().atMost(WAIT).until(() -> Long.valueOf(1).equals(detail(a, "generation")));
    assertThat(counter(a, "cadenza.library.shared.items.deleted")).isEqualTo(1);
    Map<String, AttributeValue> item =
        tables
            .client()
            .getItem(
                b ->
                    b.tableName(tables.catalog())
                        .key(CatalogItems.trackKey(ghost.id()))
                        .consistentRead(true))
            .join()
            .item();
    assertThat(item).isEmpty();
  }

  @Test
  void replayGainTravelsThroughTheTableAndItemsOfAnOlderReleaseAreReadAgain(Dynalite dynalite)
      throws Exception {
    SharedTables tables = createTables(dynalite);
    ReplayGainFixtures.write(root.resolve(FIRST_LIGHT), ReplayGainFixtures.TAGS);
    // generation 1 as a release before ReplayGain wrote it: the same tracks, without it
    TagReader reader = new TagReader();
    for (String path : LibraryFixtures.demoPaths()) {
      Path file = root.resolve(path);
      AudioFormat format = AudioFormat.forFileName(path).orElseThrow();
      FileTags tags = reader.read(file, format, Files.size(file));
      Track t = new Track(Ids.track(path), path, file, format, FileVersion.of(file), tags);
      Map<String, AttributeValue> item = new HashMap<>(CatalogItems.trackItem(t, 1));
      List.of("trackGain", "trackPeak", "albumGain", "albumPeak", CatalogItems.TAGS_READ_ATTRIBUTE)
          .forEach(item::remove);
      tables.client().putItem(b -> b.tableName(tables.catalog()).item(item)).join();
    }
    CatalogItems.Head old = new CatalogItems.Head(1, 8, Instant.now(), "older-release", null);
    tables
        .client()
        .putItem(b -> b.tableName(tables.catalog()).item(CatalogItems.headItem(old)))
        .join();

    Library a = pod(dynalite, Duration.ZERO);
    Library b = pod(dynalite, Duration.ZERO);
    awaitModes(a, b);

    // the holder re-reads every file of the older items (their versions match no file) and
    // writes them again; the follower loads what it wrote
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              for (Library pod : List.of(a, b)) {
                assertThat(pod.track(Ids.track(FIRST_LIGHT)))
                    .get()
                    .extracting(t -> t.tags().replayGain())
                    .isEqualTo(ReplayGainFixtures.EXPECTED);
              }
              assertThat(stored(a.catalog())).isEqualTo(stored(b.catalog()));
            });
    Map<String, AttributeValue> item =
        tables
            .client()
            .getItem(
                get ->
                    get.tableName(tables.catalog())
                        .key(CatalogItems.trackKey(Ids.track(FIRST_LIGHT)))
                        .consistentRead(true))
            .join()
            .item();
    assertThat(item.get("trackGain").n()).isEqualTo("-6.48");
    assertThat(item.get("albumPeak").n()).isEqualTo("1.02342");
  }

  /** Without Spring Boot's logging set-up, Logback logs every SDK request at DEBUG. */
  static void quietClientLogs() {
    for (String name : List.of("software.amazon.awssdk", "io.netty")) {
      ((Logger) LoggerFactory.getLogger(name)).setLevel(Level.INFO);
    }
  }

  private static long warnings(ListAppender<ILoggingEvent> logged, String text) {
    synchronized (logged) { // the appender appends under its own lock
      return logged.list.stream()
          .filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains(text))
          .count();
    }
  }
}
