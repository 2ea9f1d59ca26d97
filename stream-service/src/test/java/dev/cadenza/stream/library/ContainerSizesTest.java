package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.management.ThreadMXBean;
import dev.cadenza.stream.testsupport.TestAudio;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** M4A, WAV and Ogg Vorbis files that lie about the size of a part, read through TagReader. */
class ContainerSizesTest {

  private final TagReader reader = new TagReader();

  @TempDir Path dir;

  @Test
  void aMoovSizePastTheEndIsUnreadableNotAnAllocation() throws Exception {
    // found by TagReaderFuzzTest: jaudiotagger allocated the size moov declares before reading it
    // (OutOfMemoryError, which escaped the reader and failed the whole scan)
    byte[] m4a = Files.readAllBytes(TestAudio.DEMO.resolve(LibraryFixtures.SPRING_TIDE));
    int moov = topLevelBox(m4a, "moov");
    ByteBuffer.wrap(m4a).putInt(moov, 0x7FFF_FFF0);
    Path file = Files.write(dir.resolve("hostile.m4a"), m4a);
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();

    long before = threads.getThreadAllocatedBytes(thread);
    assertThatThrownBy(() -> reader.read(file, AudioFormat.M4A, m4a.length))
        .isInstanceOf(TagReader.UnreadableFileException.class)
        .hasMessageContaining("MP4 box 'moov'");
    assertThatThrownBy(() -> reader.cover(file, AudioFormat.M4A))
        .isInstanceOf(TagReader.UnreadableFileException.class);
    assertThatThrownBy(() -> reader.lyrics(file, AudioFormat.M4A))
        .isInstanceOf(TagReader.UnreadableFileException.class);
    long allocated = threads.getThreadAllocatedBytes(thread) - before;

    assertThat(allocated).as("bytes allocated").isLessThan(64L * 1024 * 1024);
  }

  @Test
  void boxesThatFitTheFileReadAsBefore() throws Exception {
    Path file = TestAudio.DEMO.resolve(LibraryFixtures.SPRING_TIDE);

    assertThat(reader.read(file, AudioFormat.M4A, Files.size(file)).tags().title())
        .isEqualTo("Spring Tide");
  }

  @Test
  void aRiffChunkSizePastTheEndIsUnreadableBeforeJaudiotaggerAllocatesIt() throws Exception {
    // found by TagReaderFuzzTest: jaudiotagger allocated a direct buffer of the size a LIST chunk
    // declares (OutOfMemoryError: cannot reserve 1952539664 bytes of direct buffer memory)
    byte[] wav = Files.readAllBytes(TestAudio.wav(dir.resolve("plain.wav"), 64, 1));
    ByteBuffer hostile = ByteBuffer.allocate(wav.length + 12).order(ByteOrder.LITTLE_ENDIAN);
    hostile.put(wav, 0, 36); // RIFF header and fmt chunk
    hostile.put("LIST".getBytes(StandardCharsets.US_ASCII)).putInt(0x7FFF_0000).putInt(0);
    hostile.put(wav, 36, wav.length - 36); // the data chunk
    Path file = Files.write(dir.resolve("hostile.wav"), hostile.array());

    assertThatThrownBy(() -> reader.read(file, AudioFormat.WAV, hostile.capacity()))
        .isInstanceOf(TagReader.UnreadableFileException.class)
        .hasMessageContaining("RIFF chunk 'LIST' at byte 36 declares 2147418112 bytes");
  }

  @Test
  void aTruncatedDataChunkStillReads() throws Exception {
    byte[] wav = Files.readAllBytes(TestAudio.wav(dir.resolve("whole.wav"), 4096, 1));
    Path file = Files.write(dir.resolve("truncated.wav"), Arrays.copyOf(wav, 44 + 1000));

    assertThat(reader.read(file, AudioFormat.WAV, 44 + 1000).audio().sampleRate())
        .isEqualTo(44_100);
  }

  @Test
  void aVorbisVendorLengthPastThePacketIsUnreadableBeforeJaudiotaggerAllocatesIt()
      throws Exception {
    // found by TagReaderFuzzTest: jaudiotagger allocated the vendor string's declared length
    // (OutOfMemoryError in VorbisCommentReader)
    byte[] ogg = Files.readAllBytes(TestAudio.DEMO.resolve(LibraryFixtures.LOW_WATER));
    int header = indexOf(ogg, "\u0003vorbis".getBytes(StandardCharsets.ISO_8859_1));
    ByteBuffer.wrap(ogg).order(ByteOrder.LITTLE_ENDIAN).putInt(header + 7, Integer.MAX_VALUE);
    Path file = Files.write(dir.resolve("hostile.ogg"), ogg);

    assertThatThrownBy(() -> reader.read(file, AudioFormat.OGG_VORBIS, ogg.length))
        .isInstanceOf(TagReader.UnreadableFileException.class)
        .hasMessageContaining("Vorbis comment header: the vendor string declares 2147483647 bytes");
  }

  @Test
  void aWellFormedVorbisCommentHeaderReadsAsBefore() throws Exception {
    Path file = TestAudio.DEMO.resolve(LibraryFixtures.LOW_WATER);

    assertThat(reader.read(file, AudioFormat.OGG_VORBIS, Files.size(file)).tags().title())
        .isEqualTo("Low Water");
  }

  private static int indexOf(byte[] data, byte[] part) {
    for (int i = 0; i + part.length <= data.length; i++) {
      if (Arrays.equals(data, i, i + part.length, part, 0, part.length)) {
        return i;
      }
    }
    throw new AssertionError("not found");
  }

  /** The offset of the first top-level box of {@code type}. */
  private static int topLevelBox(byte[] file, String type) {
    ByteBuffer b = ByteBuffer.wrap(file);
    int at = 0;
    while (at + 8 <= file.length) {
      if (new String(file, at + 4, 4, StandardCharsets.ISO_8859_1).equals(type)) {
        return at;
      }
      at += b.getInt(at);
    }
    throw new AssertionError("no top-level " + type + " box");
  }
}
