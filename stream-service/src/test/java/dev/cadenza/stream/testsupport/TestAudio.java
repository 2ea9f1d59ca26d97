package dev.cadenza.stream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Random;
import java.util.stream.Stream;

/** Audio files for tests: valid PCM WAVs of any size, and copies of the demo library. */
public final class TestAudio {

  /** The demo library in the source tree (tests run with the module as working directory). */
  public static final Path DEMO = Path.of("src/main/resources/demo-library");

  private TestAudio() {}

  /** Writes a 44.1 kHz 16-bit stereo WAV of noise with {@code dataBytes} of samples. */
  public static Path wav(Path file, int dataBytes, long seed) {
    byte[] samples = new byte[dataBytes & ~3];
    new Random(seed).nextBytes(samples);
    ByteBuffer h = ByteBuffer.allocate(44).order(ByteOrder.LITTLE_ENDIAN);
    h.put("RIFF".getBytes()).putInt(36 + samples.length).put("WAVE".getBytes());
    h.put("fmt ".getBytes()).putInt(16).putShort((short) 1).putShort((short) 2);
    h.putInt(44_100).putInt(44_100 * 4).putShort((short) 4).putShort((short) 16);
    h.put("data".getBytes()).putInt(samples.length);
    try {
      Files.createDirectories(file.getParent());
      byte[] all = new byte[44 + samples.length];
      System.arraycopy(h.array(), 0, all, 0, 44);
      System.arraycopy(samples, 0, all, 44, samples.length);
      Files.write(file, all);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the demo library (without its INDEX) into {@code dir}. */
  public static void copyDemo(Path dir) {
    try (Stream<Path> files = Files.walk(DEMO)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f) && !f.getFileName().toString().equals("INDEX")) {
          Path target = dir.resolve(DEMO.relativize(f).toString());
          Files.createDirectories(target.getParent());
          Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
