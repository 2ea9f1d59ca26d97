package dev.cadenza.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The music library on the stream pods' PersistentVolume: the bundled demo library (8 tracks) and
 * generated WAV files, some long enough for a download paced at playback speed to be cut halfway.
 */
final class Library {

  /** Generated tracks long enough to stay in flight for seconds at {@link #PACE}. */
  static final String LONG_1 = "Generated/Long Take 1.wav";

  static final String LONG_2 = "Generated/Long Take 2.wav";

  /**
   * The rate the long downloads read at: 64 MiB take 16 s. A pod sends ahead of the reader what the
   * socket buffers on the way take (autotuned: up to 4 MiB sent and 6 MiB received per socket, so
   * about 10 MiB straight from the pod and 20 MiB through nginx); a pod lost in the first seconds
   * has not sent everything yet, and the download is cut.
   */
  static final String PACE = "4M";

  private static final int LONG_BYTES = 64 * 1024 * 1024;
  private static final List<String> SHORT =
      List.of(
          "Generated/Short Take 1.wav", "Generated/Short Take 2.wav", "Generated/Short Take 3.wav");

  final Path dir;

  private Library(Path dir) {
    this.dir = dir;
  }

  /** Writes the library into {@code dir} (emptied first). */
  static Library write(Path repo, Path dir) {
    try {
      if (Files.exists(dir)) {
        try (Stream<Path> old = Files.walk(dir)) {
          for (Path p : old.sorted((a, b) -> b.compareTo(a)).toList()) {
            Files.delete(p);
          }
        }
      }
      Path demo = repo.resolve("stream-service/src/main/resources/demo-library");
      try (Stream<Path> files = Files.walk(demo)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          if (!f.getFileName().toString().equals("INDEX")) {
            Path target = dir.resolve(demo.relativize(f).toString());
            Files.createDirectories(target.getParent());
            Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
      }
      wav(dir.resolve(LONG_1), LONG_BYTES, 1);
      wav(dir.resolve(LONG_2), LONG_BYTES, 2);
      for (int i = 0; i < SHORT.size(); i++) {
        wav(dir.resolve(SHORT.get(i)), 256 * 1024, 10 + i);
      }
      return new Library(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The audio files, relative to the library (as the catalogue's {@code path}). */
  List<String> paths() {
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .map(f -> dir.relativize(f).toString())
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  String sha256(String path) {
    try {
      return digest(dir.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  long size(String path) {
    try {
      return Files.size(dir.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A 44.1 kHz 16-bit stereo PCM WAV of {@code dataBytes} of noise, written a block at a time. */
  private static void wav(Path file, int dataBytes, long seed) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    header.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + dataBytes);
    header.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    header.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1);
    header.putShort((short) 2).putInt(44_100).putInt(44_100 * 4).putShort((short) 4);
    header.putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(dataBytes);
    Files.createDirectories(file.getParent());
    Random random = new Random(seed);
    byte[] block = new byte[1024 * 1024];
    try (OutputStream out = Files.newOutputStream(file)) {
      out.write(header.array());
      for (int left = dataBytes; left > 0; left -= block.length) {
        random.nextBytes(block);
        out.write(block, 0, Math.min(left, block.length));
      }
    }
  }

  /** The SHA-256 of a file, read a block at a time. */
  private static String digest(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] block = new byte[1024 * 1024];
      for (int n; (n = in.read(block)) > 0; ) {
        sha.update(block, 0, n);
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
