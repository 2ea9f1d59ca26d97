package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.boot.health.contributor.Health;

/**
 * How this pod shares its catalogue with the other pods: not at all ({@link LocalCatalogSharing},
 * the embedded default: it scans the library itself) or through the DynamoDB catalog table ({@link
 * DynamoDbCatalogSharing}: the lease holder scans and publishes, the others follow). It decides
 * when the {@link Library} scans and where its catalogue comes from; the library holds the
 * catalogue in service. Everything but the lease renewal runs on the library's scan thread.
 */
interface CatalogSharing {

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

  /**
   * When the library at {@code root} is built, before the context starts it: begins what can
   * overlap the rest of the start-up ({@link LocalCatalogSharing} reads its saved catalogue). Does
   * nothing by default.
   */
  default void prepare(Path root) {}

  /**
   * Starts keeping {@code library}'s catalogue: schedules its scans (or loads) on {@code
   * scanThread}, the first one at once.
   */
  void start(Library library, ScheduledExecutorService scanThread);

  /**
   * On the scan thread: a scan asked for ({@code POST /api/v1/library/scan}). Returns the last scan
   * known once it is done, or at once when another pod does it.
   */
  ScanReport rescan();

  /**
   * On the scan thread: the library watch saw {@code touched} change. The pod that scans applies
   * them ({@link Library#apply}) and, when shared, publishes the result as a scan's; others ignore
   * them.
   */
  void changed(Set<Path> touched);

  /** Stops its own threads at once, leaving everything as a crash would. */
  void halt();

  /** After {@link #halt} on an orderly stop: hands over what other pods wait for (the lease). */
  void leave();

  /** Why the first catalogue is not in service yet; the readiness reason until it is. */
  String waitingFor();

  /** Adds the pod's {@code mode} and whatever else says how it shares the catalogue. */
  void describe(Health.Builder health);

  /** How this pod keeps its catalogue now. */
  Mode mode();

  /** Generation of the shared catalogue this pod serves; -1 when unknown or not shared. */
  long generation();
}
