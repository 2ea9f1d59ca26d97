package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.DORIAN_WALK;
import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scan requests coalesce: a burst of {@code POST /library/scan} costs the scan running and at most
 * one more, never one scan per request, and no two scans ever run at once.
 */
class ScanCoalescingTest {

  @TempDir Path root;

  private Library library;

  @AfterEach
  void stop() {
    if (library != null) {
      library.stop();
    }
  }

  /** Reads tags as usual, but holds every read of a file named {@code held*} until released. */
  static final class HeldReads extends TagReader {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    @Override
    FileTags read(Path file, AudioFormat format, long size, IgnoredTagValues ignored)
        throws UnreadableFileException {
      if (file.getFileName().toString().startsWith("held")) {
        entered.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.read(file, format, size, ignored);
    }
  }

  private double scans(MeterRegistry meters) {
    return meters.get("cadenza.library.scan").timer().count();
  }

  @Test
  void fiftyRequestsDuringAScanQueueOneFollowUpThatSeesLaterChanges() throws Exception {
    LibraryFixtures.copy(LibraryFixtures.demoFile(FIRST_LIGHT), root.resolve("first.mp3"));
    HeldReads reads = new HeldReads();
    MeterRegistry meters = new SimpleMeterRegistry();
    library = new Library(LibraryFixtures.properties(root), reads, meters);
    library.start();
    library.awaitFirstScan(30, TimeUnit.SECONDS);

    // a scan that reads a new file and is held while doing so
    LibraryFixtures.copy(LibraryFixtures.demoFile(DORIAN_WALK), root.resolve("held.mp3"));
    ScanRequest running = library.requestScan();
    assertThat(running.outcome()).isEqualTo(ScanRequest.Outcome.STARTED);
    assertThat(reads.entered.await(30, TimeUnit.SECONDS)).isTrue();

    List<ScanRequest> burst = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      burst.add(library.requestScan());
    }
    // written while the held scan runs, most likely after it listed the files
    LibraryFixtures.copy(LibraryFixtures.demoFile(FIRST_LIGHT), root.resolve("later.mp3"));
    reads.release.countDown();

    assertThat(burst.get(0).outcome()).isEqualTo(ScanRequest.Outcome.QUEUED);
    assertThat(burst.subList(1, 50))
        .allSatisfy(r -> assertThat(r.outcome()).isEqualTo(ScanRequest.Outcome.JOINED));
    assertThat(burst).extracting(ScanRequest::id).containsOnly(running.id() + 1);

    ScanReport held = running.done().get(30, TimeUnit.SECONDS);
    ScanReport followUp = burst.get(0).done().get(30, TimeUnit.SECONDS);
    for (ScanRequest r : burst) {
      assertThat(r.done().get(30, TimeUnit.SECONDS)).isSameAs(followUp);
    }
    assertThat(held.added() + followUp.added()).as("held.mp3 and later.mp3").isEqualTo(2);
    assertThat(followUp.startedAt())
        .as("the follow-up starts after the held scan ended")
        .isAfterOrEqualTo(held.startedAt().plus(held.duration()));
    assertThat(scans(meters)).as("first scan, the held one, one follow-up").isEqualTo(3);
    assertThat(library.catalog().tracks()).hasSize(3);

    ScanRequest afterwards = library.requestScan();
    assertThat(afterwards.id()).isEqualTo(running.id() + 2);
    afterwards.done().get(30, TimeUnit.SECONDS);
    assertThat(scans(meters)).isEqualTo(4);
  }

  @Test
  void aRequestDuringAPeriodicScanWaitsForIt() throws Exception {
    LibraryFixtures.copy(LibraryFixtures.demoFile(FIRST_LIGHT), root.resolve("held.mp3"));
    HeldReads reads = new HeldReads();
    MeterRegistry meters = new SimpleMeterRegistry();
    library = new Library(LibraryFixtures.properties(root), reads, meters);
    library.start(); // the start-up scan is held on held.mp3
    assertThat(reads.entered.await(30, TimeUnit.SECONDS)).isTrue();

    ScanRequest request = library.requestScan();
    assertThat(request.outcome()).isEqualTo(ScanRequest.Outcome.QUEUED);
    assertThat(request.done()).isNotDone();
    reads.release.countDown();

    ScanReport report = request.done().get(30, TimeUnit.SECONDS);
    assertThat(report.added()).as("the start-up scan had read it").isZero();
    assertThat(scans(meters)).isEqualTo(2);
  }
}
