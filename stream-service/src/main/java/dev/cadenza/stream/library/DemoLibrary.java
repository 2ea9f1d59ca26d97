package dev.cadenza.stream.library;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The demo library bundled in the jar ({@code demo-library/}, made by hack/make-demo-library.sh).
 * It is extracted to a directory so that it is served exactly like a real library, zero-copy
 * included: a stable one in the data directory ({@link #extractInto}), so that a restart finds the
 * library root its saved catalogue names, or a temporary one deleted when the JVM exits ({@link
 * #extract}) where nothing may be written to the data directory.
 */
final class DemoLibrary {

  private static final String ROOT = "demo-library/";

  private DemoLibrary() {}

  /**
   * Extracts into {@code dir}, kept between runs: a file already there with the jar's content is
   * left alone (its version, and so the saved catalogue's entry for it, stays valid), a different
   * one is rewritten, and a file the jar no longer holds is deleted.
   */
  static Path extractInto(Path dir) {
    try {
      Files.createDirectories(dir);
      Path root = dir.toRealPath();
      List<String> entries = index();
      for (String entry : entries) {
        Path target = inside(root, entry);
        byte[] content = content(entry);
        if (!Files.isRegularFile(target)
            || Files.size(target) != content.length
            || !Arrays.equals(Files.readAllBytes(target), content)) {
          Files.createDirectories(target.getParent());
          Path partial = Files.createTempFile(target.getParent(), ".demo-", ".partial");
          Files.write(partial, content);
          Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Set<Path> wanted = entries.stream().map(e -> inside(root, e)).collect(Collectors.toSet());
      try (Stream<Path> files = Files.walk(root)) {
        for (Path stale :
            files.filter(Files::isRegularFile).filter(f -> !wanted.contains(f)).toList()) {
          Files.delete(stale);
        }
      }
      return root;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract the bundled demo library to " + dir, e);
    }
  }

  /**
   * Extracts into a fresh temporary directory, deleted with everything in it when the JVM exits.
   */
  static Path extract() {
    try {
      Path dir = Files.createTempDirectory("cadenza-demo-library-");
      dir.toFile().deleteOnExit();
      for (String entry : index()) {
        Path target = inside(dir, entry);
        Files.createDirectories(target.getParent());
        // deleteOnExit deletes in reverse order of registration: folders before their files, top
        // down, so that each folder is empty by the time its turn comes
        Path folder = dir;
        for (Path name : dir.relativize(target.getParent())) {
          folder = folder.resolve(name);
          folder.toFile().deleteOnExit();
        }
        Files.write(target, content(entry));
        target.toFile().deleteOnExit();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot extract the bundled demo library", e);
    }
  }

  private static Path inside(Path dir, String entry) {
    Path target = dir.resolve(entry).normalize();
    if (!target.startsWith(dir) || target.equals(dir)) {
      throw new IllegalStateException("demo library index leaves its root: " + entry);
    }
    return target;
  }

  private static List<String> index() throws IOException {
    return new String(content("INDEX"), StandardCharsets.UTF_8)
        .lines()
        .filter(l -> !l.isBlank())
        .toList();
  }

  private static byte[] content(String entry) throws IOException {
    try (InputStream in = DemoLibrary.class.getClassLoader().getResourceAsStream(ROOT + entry)) {
      if (in == null) {
        throw new IOException("missing from the jar: " + ROOT + entry);
      }
      return in.readAllBytes();
    }
  }
}
