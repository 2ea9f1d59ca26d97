package dev.cadenza.stream.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
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
    return wav(file, 44_100, 2, samples);
  }

  /** Writes a minimal valid RIFF/WAVE file without tags: 16-bit PCM {@code samples}. */
  public static Path wav(Path file, int sampleRate, int channels, byte[] samples) {
    int blockAlign = channels * 2;
    ByteBuffer b = ByteBuffer.allocate(44 + samples.length).order(ByteOrder.LITTLE_ENDIAN);
    b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + samples.length);
    b.put("WAVE".getBytes(StandardCharsets.US_ASCII));
    b.put("fmt ".getBytes(StandardCharsets.US_ASCII)).putInt(16).putShort((short) 1);
    b.putShort((short) channels).putInt(sampleRate).putInt(sampleRate * blockAlign);
    b.putShort((short) blockAlign).putShort((short) 16);
    b.put("data".getBytes(StandardCharsets.US_ASCII)).putInt(samples.length).put(samples);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      return Files.write(file, b.array());
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
