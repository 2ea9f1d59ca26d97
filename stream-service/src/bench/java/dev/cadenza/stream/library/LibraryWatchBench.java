package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.config.CadenzaProperties;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Not a test: how long a file takes from its {@code close()} to the catalogue with the library
 * watch on (no periodic rescan), over a library of generated copies of the demo tracks, against a
 * full rescan of the same library (what catches a change without the watch, every {@code
 * rescan-interval}). Prints a Markdown report. Run by bench/library-watch.sh, or
 *
 * <pre>
 * ./mvnw -o -q verify -pl stream-service -am -DskipITs -Dtest=LibraryWatchBench \
 *     -Dsurefire.failIfNoSpecifiedTests=false -Dcadenza.bench=true \
 *     [-Dcadenza.bench.tracks=2000] [-Dcadenza.bench.files=20]
 * </pre>
 */
@EnabledIfSystemProperty(named = "cadenza.bench", matches = "true")
class LibraryWatchBench {

  @TempDir Path tmp;

  @Test
  void closeToCatalogue() throws Exception {
    int tracks = Integer.getInteger("cadenza.bench.tracks", 2000);
    int files = Integer.getInteger("cadenza.bench.files", 20);
    Path root = Files.createDirectories(tmp.resolve("library"));
    List<String> demo = LibraryFixtures.demoPaths();
    for (int i = 0; i < tracks; i++) {
      LibraryFixtures.copy(
          LibraryFixtures.demoFile(demo.get(i % demo.size())),
          root.resolve("artist-" + i / 100 + "/album-" + i / 10 + "/" + i + "-" + name(demo, i)));
    }
    CadenzaProperties properties =
        new CadenzaProperties(
            new CadenzaProperties.Library(root, Duration.ZERO, 2, Duration.ofSeconds(30), true),
            new CadenzaProperties.Api(50, 500),
            CadenzaProperties.Cache.defaults(),
            CadenzaProperties.DynamoDb.off());
    Library library = new Library(properties, new TagReader(), new SimpleMeterRegistry());
    library.start();
    try {
      library.awaitFirstScan(10, TimeUnit.MINUTES);
      assertThat(library.catalog().tracks()).hasSize(tracks);

      List<Long> watched = new ArrayList<>();
      for (int i = 0; i < files; i++) {
        String relative = "added/" + i + "-" + name(demo, i);
        byte[] bytes = Files.readAllBytes(LibraryFixtures.demoFile(demo.get(i % demo.size())));
        Path file = root.resolve(relative);
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
          out.write(bytes);
        }
        long closed = System.nanoTime();
        String id = Ids.track(relative);
        while (library.catalog().track(id).isEmpty()) {
          if (System.nanoTime() - closed > TimeUnit.SECONDS.toNanos(60)) {
            throw new AssertionError(relative + " not in the catalogue after 60 s");
          }
          Thread.sleep(1);
        }
        watched.add(System.nanoTime() - closed);
      }

      List<Long> rescans = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        long started = System.nanoTime();
        library.rescan().get(10, TimeUnit.MINUTES);
        rescans.add(System.nanoTime() - started);
      }
      System.out.println(report(tracks, files, watched, rescans));
    } finally {
      library.stop();
    }
  }

  private static String name(List<String> demo, int i) {
    String path = demo.get(i % demo.size());
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static String report(int tracks, int files, List<Long> watched, List<Long> rescans) {
    return String.format(
        Locale.ROOT,
        """
        # Library watch: from a file's close() to the catalogue

        %d-track library (copies of the demo tracks), %d files written one after the other, each \
        polled for in the catalogue every 1 ms after its close(); no periodic rescan. The watch \
        waits %d ms of quiet before it applies a path.

        | what | p50 | max |
        |---|---|---|
        | watch: close() to catalogue | %d ms | %d ms |
        | full rescan (no file changed), the alternative every rescan-interval | %d ms | %d ms |

        Without the watch a change waits for the next rescan: with the default rescan-interval of \
        60 s, 30 s on average and up to 60 s, plus the rescan itself.
        """,
        tracks,
        files,
        LibraryWatcher.QUIET.toMillis(),
        millis(percentile(watched, 50)),
        millis(percentile(watched, 100)),
        millis(percentile(rescans, 50)),
        millis(percentile(rescans, 100)));
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = values.stream().sorted().toList();
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, index));
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
