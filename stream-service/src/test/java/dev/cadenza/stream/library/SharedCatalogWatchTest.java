package dev.cadenza.stream.library;

import static dev.cadenza.stream.library.LibraryFixtures.FIRST_LIGHT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cadenza.stream.catalog.CatalogClient;
import dev.cadenza.stream.testsupport.TestApp;
import dev.cadenza.testsupport.Dynalite;
import dev.cadenza.testsupport.DynaliteExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two pods sharing one catalogue (dynalite) over one library directory, without periodic rescans:
 * only the lease holder watches, and what its watch applies reaches the other pod through the
 * shared catalogue.
 */
@ExtendWith(DynaliteExtension.class)
class SharedCatalogWatchTest {

  private static final Duration CAP = Duration.ofSeconds(60);

  @TempDir static Path tmp;
  static Path library;
  static TestApp a;
  static TestApp b;

  @BeforeAll
  static void start(Dynalite dynalite) throws Exception {
    library = LibraryFixtures.copyDemo(tmp.resolve("library"));
    String prefix = "watch" + ThreadLocalRandom.current().nextInt(1_000_000);
    String[] args = {
      "--cadenza.dynamodb.catalog-poll=200ms", "--management.endpoint.health.show-details=always"
    };
    a = TestApp.startSharing(library, dynalite, prefix, args);
    b = TestApp.startSharing(library, dynalite, prefix, args);
  }

  @AfterAll
  static void stop() {
    for (TestApp app : new TestApp[] {a, b}) {
      if (app != null) {
        app.app().close();
      }
    }
  }

  @Test
  void theLeaseHolderWatchesAndTheOtherPodFollowsWhatItApplied() throws Exception {
    await("one scanner that watches, one follower that does not")
        .atMost(CAP)
        .untilAsserted(
            () ->
                assertThat(List.of(state(a), state(b)))
                    .containsExactlyInAnyOrder("shared-scanner/on", "shared-follower/idle"));

    Path added =
        LibraryFixtures.copy(
            LibraryFixtures.demoFile(FIRST_LIGHT), library.resolve("Watched/added.mp3"));
    await("the added file in both pods' catalogues")
        .atMost(CAP)
        .untilAsserted(
            () -> {
              assertThat(paths(a)).contains("Watched/added.mp3");
              assertThat(paths(b)).contains("Watched/added.mp3");
            });

    Files.delete(added);
    await("the deleted file out of both pods' catalogues")
        .atMost(CAP)
        .untilAsserted(
            () -> {
              assertThat(paths(a)).doesNotContain("Watched/added.mp3");
              assertThat(paths(b)).doesNotContain("Watched/added.mp3");
            });
  }

  /** {@code mode/watch} from the pod's library health. */
  private static String state(TestApp app) {
    var health = new CatalogClient(app.managementPort()).anyJson("/actuator/health");
    return health.read("$.components.library.details.mode", String.class)
        + "/"
        + health.read("$.components.library.details.watch", String.class);
  }

  private static List<String> paths(TestApp app) {
    return new CatalogClient(app.port())
        .items("/api/v1/tracks", "limit", "500").stream().map(t -> (String) t.get("path")).toList();
  }
}
