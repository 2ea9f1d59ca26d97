package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.cadenza.stream.testsupport.TestAudio;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes {@link TagReader} (jaudiotagger, {@link OggOpusReader}, {@link TagValues}) on mutated
 * audio files (docs/testing.md): a file of the demo library in the format's extension with the
 * fuzzer's edits (overwritten, inserted and deleted bytes, mostly near the head and the tail where
 * the tags and headers are, and truncation), or the fuzzer's bytes alone. Each read returns what
 * the file says or {@link TagReader.UnreadableFileException}, as the scanner expects, and returns:
 * a read that takes longer than {@link #HANG} fails as a hang.
 */
class TagReaderFuzzTest {

  /** Far beyond any read of a file this size on a loaded machine: only a loop gets there. */
  private static final long HANG = 20;

  private static final Map<AudioFormat, byte[]> DEMO = demoFiles();
  private static final AudioFormat[] FORMATS = AudioFormat.values();
  private static final TagReader READER = new TagReader();
  private static final ExecutorService READS =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "tag-reader-fuzz");
            t.setDaemon(true); // a read that hangs must not keep the JVM alive
            return t;
          });

  @TempDir static Path dir;

  @AfterAll
  static void stopReads() {
    READS.shutdownNow();
  }

  @FuzzTest(maxDuration = "30s")
  void readsTheFileOrReportsItUnreadable(FuzzedDataProvider data) throws Exception {
    AudioFormat format = data.pickValue(FORMATS);
    byte[] base = DEMO.get(format);
    byte[] bytes =
        base != null && data.consumeBoolean() ? mutate(base, data) : data.consumeRemainingAsBytes();
    Path file = Files.write(dir.resolve("fuzz." + format.id()), bytes);

    FileTags tags = bounded(() -> READER.read(file, format, bytes.length));
    if (tags != null) {
      assertThat(tags.tags()).isNotNull();
      assertThat(tags.audio()).isNotNull();
      if (tags.tags().durationMs() != null) {
        assertThat(tags.tags().durationMs()).isNotNegative();
      }
    }
    Cover cover = bounded(() -> READER.cover(file, format));
    if (cover != null) {
      assertThat(cover.mediaType()).isNotBlank();
    }
    bounded(() -> READER.lyrics(file, format));
  }

  /** The read's result, or null when it reported the file unreadable. */
  private static <T> T bounded(Callable<T> read) throws Exception {
    Future<T> result = READS.submit(read);
    try {
      return result.get(HANG, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      result.cancel(true);
      throw new AssertionError("the read did not return within " + HANG + " s", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TagReader.UnreadableFileException unreadable) {
        assertThat(unreadable.getMessage()).isNotBlank();
        return null;
      }
      // what escaped the reader, as the scanner would get it
      if (e.getCause() instanceof Error error) {
        throw error;
      }
      throw (Exception) e.getCause();
    }
  }

  /** {@code base} with up to 8 of the fuzzer's edits. */
  private static byte[] mutate(byte[] base, FuzzedDataProvider data) {
    byte[] file = base;
    int edits = data.consumeInt(1, 8);
    for (int i = 0; i < edits && file.length > 0; i++) {
      int at = position(file.length, data);
      file =
          switch (data.consumeInt(0, 3)) {
            case 0 -> overwrite(file, at, data.consumeBytes(8));
            case 1 -> splice(file, at, 0, data.consumeBytes(16));
            case 2 -> splice(file, at, data.consumeInt(1, 64), new byte[0]);
            default -> Arrays.copyOf(file, at);
          };
    }
    return file;
  }

  /** An offset in the first or the last 16 KiB, where headers, tags and indexes are. */
  private static int position(int length, FuzzedDataProvider data) {
    int within = data.consumeInt(0, Math.min(length - 1, 16 * 1024));
    return data.consumeBoolean() ? within : length - 1 - within;
  }

  private static byte[] overwrite(byte[] file, int at, byte[] bytes) {
    byte[] out = file.clone();
    System.arraycopy(bytes, 0, out, at, Math.min(bytes.length, out.length - at));
    return out;
  }

  private static byte[] splice(byte[] file, int at, int delete, byte[] insert) {
    int cut = Math.min(delete, file.length - at);
    ByteArrayOutputStream out = new ByteArrayOutputStream(file.length + insert.length);
    out.write(file, 0, at);
    out.writeBytes(insert);
    out.write(file, at + cut, file.length - at - cut);
    return out.toByteArray();
  }

  /** One file of the demo library for each format it has, and a WAV; raw AAC has none. */
  private static Map<AudioFormat, byte[]> demoFiles() {
    Map<AudioFormat, byte[]> files = new EnumMap<>(AudioFormat.class);
    try {
      files.put(AudioFormat.MP3, demo(LibraryFixtures.FIRST_LIGHT));
      files.put(AudioFormat.FLAC, demo(LibraryFixtures.MORNING_FOG));
      files.put(AudioFormat.OGG_VORBIS, demo(LibraryFixtures.LOW_WATER));
      files.put(AudioFormat.OPUS, demo(LibraryFixtures.CAFE_NOCTURNE));
      files.put(AudioFormat.M4A, demo(LibraryFixtures.SPRING_TIDE));
      Path wav = Files.createTempFile("fuzz-seed", ".wav");
      files.put(AudioFormat.WAV, Files.readAllBytes(TestAudio.wav(wav, 4096, 1)));
      Files.delete(wav);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  private static byte[] demo(String path) throws IOException {
    return Files.readAllBytes(TestAudio.DEMO.resolve(path));
  }
}
