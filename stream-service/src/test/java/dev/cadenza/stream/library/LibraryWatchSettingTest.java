package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.config.CadenzaProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cadenza.library.watch}: on, changes apply without a scan; off, they wait for one. */
class LibraryWatchSettingTest {

  @TempDir Path root;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @Test
  void onAFileAddedIsAppliedWithoutAScan() throws Exception {
    Library library = started(true);
    try {
      assertThat(library.health().getDetails()).containsEntry("watch", "on");
      long scans = scans();

      LibraryFixtures.copy(
          LibraryFixtures.demoFile(LibraryFixtures.FIRST_LIGHT), root.resolve("New/added.mp3"));

      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> library.track(Ids.track("New/added.mp3")).isPresent());
      assertThat(scans()).isEqualTo(scans);
      assertThat(meters.get("cadenza.library.watch.events").counters())
          .anySatisfy(c -> assertThat(c.count()).isPositive());
    } finally {
      library.stop();
    }
  }

  @Test
  void offTheHealthSaysSoAndAScanFindsTheChange() throws Exception {
    Library library = started(false);
    try {
      assertThat(library.health().getDetails()).containsEntry("watch", "off");
      LibraryFixtures.copy(
          LibraryFixtures.demoFile(LibraryFixtures.FIRST_LIGHT), root.resolve("New/added.mp3"));

      library.rescan().get(30, TimeUnit.SECONDS);

      assertThat(library.track(Ids.track("New/added.mp3"))).isPresent();
      assertThat(meters.get("cadenza.library.watch.events").counters())
          .allSatisfy(c -> assertThat(c.count()).isZero());
      assertThat(meters.get("cadenza.library.watch.directories").gauge().value()).isZero();
    } finally {
      library.stop();
    }
  }

  private Library started(boolean watch) throws Exception {
    LibraryFixtures.copyDemo(root);
    CadenzaProperties properties =
        new CadenzaProperties(
            new CadenzaProperties.Library(root, Duration.ZERO, 2, Duration.ofSeconds(5), watch),
            new CadenzaProperties.Api(50, 500),
            CadenzaProperties.Cache.defaults(),
            CadenzaProperties.DynamoDb.off());
    Library library = new Library(properties, new TagReader(), meters);
    library.start();
    library.awaitFirstScan(30, TimeUnit.SECONDS);
    return library;
  }

  private long scans() {
    return meters.get("cadenza.library.scan").timer().count();
  }
}
