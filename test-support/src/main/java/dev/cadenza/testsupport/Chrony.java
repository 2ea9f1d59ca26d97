package dev.cadenza.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Where chronyd is and how to run it in the tests: as root or not (hack/chrony.sh installs it). */
final class Chrony {

  private Chrony() {}

  /** The chronyd binary; fails with the way to install it when it is missing. */
  static String chronyd() {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin")) {
      Path p = Path.of(dir, "chronyd");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "chronyd is not installed: run hack/chrony.sh (apt-get install chrony)");
  }

  /**
   * chronyd with the options that keep it off the system clock ({@code -x}) and in the foreground
   * ({@code -d}): as root it keeps root ({@code -u root}), otherwise it must not insist on root
   * ({@code -U}).
   */
  static List<String> command(Path config, String... more) {
    List<String> command = new ArrayList<>(List.of(chronyd(), "-x", "-d", "-f", config.toString()));
    if (isRoot()) {
      command.addAll(List.of("-u", "root"));
    } else {
      command.add("-U");
    }
    command.addAll(List.of(more));
    return command;
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary folder left behind is harmless
    }
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("chrony-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
