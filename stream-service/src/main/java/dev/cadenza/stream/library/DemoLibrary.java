package dev.cadenza.stream.library;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The demo library bundled in the jar ({@code demo-library/}, made by hack/make-demo-library.sh).
 * It is extracted to a temporary directory so that it is served exactly like a real library,
 * zero-copy included.
 */
final class DemoLibrary {

  private static final String ROOT = "demo-library/";

  private DemoLibrary() {}

  static Path extract() {
    try {
      Path dir = Files.createTempDirectory("cadenza-demo-library-");
      dir.toFile().deleteOnExit();
      for (String entry : index()) {
        Path target = dir.resolve(entry).normalize();
        if (!target.startsWith(dir)) {
          throw new IllegalStateException("demo library index leaves its root: " + entry);
        }
        Files.createDirectories(target.getParent());
        // deleteOnExit deletes in reverse order of registration: folders before their files, top
        // down, so that each folder is empty by the time its turn comes
        Path folder = dir;
        for (Path name : dir.relativize(target.getParent())) {
          folder = folder.resolve(name);
          folder.toFile().deleteOnExit();
        }
        try (InputStream in = open(entry)) {
          Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        target.toFile().deleteOnExit();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract the bundled demo library", e);
    }
  }

  private static List<String> index() throws IOException {
    try (InputStream in = open("INDEX")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }

  private static InputStream open(String entry) throws IOException {
    InputStream in = DemoLibrary.class.getClassLoader().getResourceAsStream(ROOT + entry);
    if (in == null) {
      throw new IOException("missing from the jar: " + ROOT + entry);
    }
    return in;
  }
}
