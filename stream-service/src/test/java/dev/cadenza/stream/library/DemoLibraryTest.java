package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo library bundled in the jar, extracted to a stable directory in the data directory (so
 * that a restart reuses its saved catalogue) or to a temporary one.
 */
class DemoLibraryTest {

  /** Extracts the demo library in a JVM of its own and prints where. */
  static final class ExtractAndExit {
    public static void main(String[] args) {
      System.out.println(DemoLibrary.extract());
    }
  }

  @Test
  void extractsEveryIndexedFileByteForByte() throws Exception {
    Path dir = DemoLibrary.extract();

    for (String path : LibraryFixtures.demoPaths()) {
      assertThat(dir.resolve(path)).hasSameBinaryContentAs(LibraryFixtures.demoFile(path));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).hasSize(8);
    }
  }

  @Test
  void extractingIntoAKeptDirectoryAgainRewritesOnlyTheFilesThatDiffer(@TempDir Path data)
      throws Exception {
    Path dir = DemoLibrary.extractInto(data.resolve("demo-library"));
    List<String> paths = LibraryFixtures.demoPaths();
    Path unchanged = dir.resolve(paths.get(0));
    Path damaged = dir.resolve(paths.get(1));
    Path stale = dir.resolve("Aurora Lane/left over.mp3");
    FileVersion before = FileVersion.of(unchanged);
    Files.write(damaged, new byte[] {1, 2, 3});
    Files.write(stale, new byte[] {4});

    assertThat(DemoLibrary.extractInto(data.resolve("demo-library"))).isEqualTo(dir);

    assertThat(FileVersion.of(unchanged)).as("left alone").isEqualTo(before);
    assertThat(damaged).hasSameBinaryContentAs(LibraryFixtures.demoFile(paths.get(1)));
    assertThat(stale).doesNotExist();
    for (String path : paths) {
      assertThat(dir.resolve(path)).hasSameBinaryContentAs(LibraryFixtures.demoFile(path));
    }
    try (Stream<Path> files = Files.walk(dir)) {
      assertThat(files.filter(Files::isRegularFile)).hasSize(8);
    }
  }

  @Test
  void aRestartOnTheDemoLibraryServesTheCatalogueItSavedAndReadsNoTags(@TempDir Path data)
      throws Exception {
    List<Track> first = runOnDemo(data, new SimpleMeterRegistry());
    await().until(() -> Files.exists(data.resolve(CatalogFile.FILE_NAME)));

    MeterRegistry meters = new SimpleMeterRegistry();
    List<Track> again = runOnDemo(data, meters);

    assertThat(again).isEqualTo(first).hasSize(8);
    assertThat(meters.get("cadenza.library.files.read").counter().count()).isZero();
  }

  /** A library without a path, as the configuration builds it, run to its first scan's end. */
  private static List<Track> runOnDemo(Path data, MeterRegistry meters) throws Exception {
    Library library =
        new Library(
            LibraryFixtures.properties(null),
            new TagReader(),
            meters,
            new LocalCatalogSharing(new CatalogFile(data)),
            () -> DemoLibrary.extractInto(data.resolve(LibraryConfiguration.DEMO_LIBRARY)));
    try {
      library.start();
      library.awaitFirstScan(30, TimeUnit.SECONDS);
      await().until(() -> library.lastScan().isPresent());
      return library.catalog().tracks();
    } finally {
      library.stop();
    }
  }

  @Test
  void extractedLibraryIsDeletedWithAllItsFoldersWhenTheJvmExits(@TempDir Path tmp)
      throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process child =
        new ProcessBuilder(
                java.toString(),
                "-Djava.io.tmpdir=" + tmp,
                "-cp",
                System.getProperty("java.class.path"),
                ExtractAndExit.class.getName())
            .redirectErrorStream(true)
            .start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    Path extracted = Path.of(output.strip().lines().reduce((a, b) -> b).orElseThrow());
    assertThat(extracted).startsWithRaw(tmp).doesNotExist();
    try (Stream<Path> left = Files.list(tmp)) {
      assertThat(left).isEmpty();
    }
  }
}
