package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demo library bundled in the jar, extracted to a temporary directory. */
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
