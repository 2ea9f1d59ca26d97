package dev.cadenza.stream.library;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.testsupport.TestAudio;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Files and libraries for the library and catalogue tests, built from the bundled demo library. */
public final class LibraryFixtures {

  /** The demo library in the source tree (tests run with the module as working directory). */
  public static final Path DEMO = TestAudio.DEMO;

  public static final String FIRST_LIGHT = "Aurora Lane/Dawn Sketches/01 First Light.mp3";
  public static final String MORNING_FOG = "Aurora Lane/Dawn Sketches/02 Morning Fog.flac";
  public static final String CAFE_NOCTURNE =
      "Aurora Lane/Dawn Sketches/03 Café Nocturne — Été.opus";
  public static final String LOW_WATER = "Aurora Lane/Tides/01 Low Water.ogg";
  public static final String SPRING_TIDE = "Aurora Lane/Tides/02 Spring Tide.m4a";
  public static final String DORIAN_WALK = "The Quiet Modes/Seven Modes/01 Dorian Walk.mp3";

  /** The file {@link #addChangeAndRemove} adds. */
  public static final String ADDED = "New Artist/New Album/01 Added.mp3";

  public static final String LYDIAN_RISE = "The Quiet Modes/Seven Modes/02 Lydian Rise.m4a";
  public static final String PHRYGIAN_DUSK = "The Quiet Modes/Seven Modes/03 Phrygian Dusk.ogg";

  private LibraryFixtures() {}

  /** The relative paths of the demo tracks, as listed by the demo library's INDEX. */
  public static List<String> demoPaths() {
    try {
      return Files.readAllLines(DEMO.resolve("INDEX"), StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Path demoFile(String relative) {
    return DEMO.resolve(relative);
  }

  /** Copies the 8 demo tracks into {@code dir}, keeping their folders; returns {@code dir}. */
  public static Path copyDemo(Path dir) throws IOException {
    for (String relative : demoPaths()) {
      copy(DEMO.resolve(relative), dir.resolve(relative));
    }
    return dir;
  }

  public static Path copy(Path from, Path to) throws IOException {
    Files.createDirectories(to.toAbsolutePath().getParent());
    return Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Changes a copy of the demo library the way a rescan must notice: adds a file ({@link #ADDED}, a
   * copy of First Light), replaces {@link #FIRST_LIGHT} with other content and tags (Dorian Walk's)
   * and removes {@link #LOW_WATER}.
   */
  public static void addChangeAndRemove(Path root) throws IOException {
    copy(demoFile(FIRST_LIGHT), root.resolve(ADDED));
    copy(demoFile(DORIAN_WALK), root.resolve(FIRST_LIGHT));
    Files.delete(root.resolve(LOW_WATER));
  }

  /** Random bytes under an audio file name: no decoder can make sense of them. */
  public static Path randomBytes(Path file, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Files.createDirectories(file.toAbsolutePath().getParent());
    return Files.write(file, bytes);
  }

  /**
   * A copy of the demo FLAC cut off in the middle of its embedded picture, one of its metadata
   * blocks, as a copy interrupted early leaves it.
   */
  public static Path truncatedFlac(Path file) throws IOException {
    byte[] flac = Files.readAllBytes(DEMO.resolve(MORNING_FOG));
    int offset = 4; // "fLaC"
    while (true) {
      int type = flac[offset] & 0x7f;
      int length =
          ((flac[offset + 1] & 0xff) << 16)
              | ((flac[offset + 2] & 0xff) << 8)
              | (flac[offset + 3] & 0xff);
      if (type == 6) { // PICTURE
        Files.createDirectories(file.toAbsolutePath().getParent());
        return Files.write(file, Arrays.copyOf(flac, offset + 4 + length / 2));
      }
      if ((flac[offset] & 0x80) != 0) {
        throw new IllegalStateException("the demo FLAC has no picture block");
      }
      offset += 4 + length;
    }
  }

  /** A tagless 16-bit PCM WAV of a 440 Hz sine. */
  public static Path wav(Path file, int sampleRate, int channels, double seconds) {
    int frames = (int) Math.round(sampleRate * seconds);
    ByteBuffer b = ByteBuffer.allocate(frames * channels * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < frames; i++) {
      short sample = (short) (Math.sin(2 * Math.PI * 440 * i / sampleRate) * 8000);
      for (int c = 0; c < channels; c++) {
        b.putShort(sample);
      }
    }
    return TestAudio.wav(file, sampleRate, channels, b.array());
  }

  /** Settings for a library at {@code root} that scans once, at start-up. */
  public static CadenzaProperties properties(Path root) {
    return properties(root, 2);
  }

  public static CadenzaProperties properties(Path root, int scanThreads) {
    return new CadenzaProperties(
        new CadenzaProperties.Library(
            root, Duration.ZERO, scanThreads, Duration.ofSeconds(5), false),
        new CadenzaProperties.Api(50, 500),
        CadenzaProperties.Cache.defaults(),
        CadenzaProperties.DynamoDb.off());
  }

  /** A started library over {@code root} whose first scan has finished. Stop it after use. */
  public static Library startedLibrary(Path root) throws Exception {
    return startedLibrary(root, 2);
  }

  public static Library startedLibrary(Path root, int scanThreads) throws Exception {
    Library library =
        new Library(properties(root, scanThreads), new TagReader(), new SimpleMeterRegistry());
    library.start();
    library.awaitFirstScan(30, TimeUnit.SECONDS);
    return library;
  }
}
