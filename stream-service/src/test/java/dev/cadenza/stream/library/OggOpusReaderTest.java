package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cadenza.protocol.catalog.ReplayGain;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ogg Opus files written byte by byte: what OggOpusReader makes of well-formed and hostile ones.
 */
class OggOpusReaderTest {

  private final TagReader reader = new TagReader();

  @TempDir Path dir;

  @Test
  void readsTheCommentsAndTheDurationOfAWellFormedFile() throws Exception {
    Path file = opus(tags(List.of("TITLE=Dawn", "artist=Aurora Lane")), 48_000 + 312);

    FileTags tags = reader.read(file, AudioFormat.OPUS, Files.size(file));

    assertThat(tags.tags().title()).isEqualTo("Dawn");
    assertThat(tags.tags().artist()).isEqualTo("Aurora Lane");
    assertThat(tags.tags().durationMs()).isEqualTo(1000);
    assertThat(tags.audio().channels()).isEqualTo(2);
  }

  @Test
  void readsR128GainsAsReplayGainAheadOfReplayGainTagsAndTheOutputGainAsBaseGain()
      throws Exception {
    Path file =
        opus(
            tags(
                List.of(
                    "R128_TRACK_GAIN=-1234",
                    "REPLAYGAIN_TRACK_GAIN=-9.00 dB",
                    "r128_album_gain=256",
                    "REPLAYGAIN_TRACK_PEAK=0.9",
                    "REPLAYGAIN_ALBUM_PEAK=0.95")),
            48_000,
            -768);

    ReplayGain gain = reader.read(file, AudioFormat.OPUS, Files.size(file)).tags().replayGain();

    // -1234/256 dB relative to -23 LUFS is 0.18 dB relative to ReplayGain's reference, 5 dB up
    assertThat(gain).isEqualTo(new ReplayGain(0.18, 0.9, 6.0, 0.95, -3.0));
  }

  @Test
  void withoutR128TheReplayGainTagsCountAndAZeroOutputGainIsNoBaseGain() throws Exception {
    Path file =
        opus(tags(List.of("REPLAYGAIN_TRACK_GAIN=-9.00 dB", "R128_ALBUM_GAIN=x")), 48_000, 0);
    IgnoredTagValues ignored = new IgnoredTagValues();

    ReplayGain gain =
        reader.read(file, AudioFormat.OPUS, Files.size(file), ignored).tags().replayGain();

    assertThat(gain).isEqualTo(new ReplayGain(-9.0, null, null, null, null));
    assertThat(ignored.count()).as("R128_ALBUM_GAIN=x").isEqualTo(1);
  }

  @Test
  void aCommentLengthPastThePacketIsUnreadableNotAnAllocation() throws Exception {
    // found by TagReaderFuzzTest: the declared length was allocated first (OutOfMemoryError, which
    // escaped the reader and failed the whole scan)
    ByteBuffer packet = header("OpusTags", 20).putInt(0).putInt(1).putInt(Integer.MAX_VALUE);
    Path file = opus(packet.array(), 48_000);

    assertThatThrownBy(() -> reader.read(file, AudioFormat.OPUS, Files.size(file)))
        .isInstanceOf(TagReader.UnreadableFileException.class)
        .hasMessageContaining("malformed OpusTags packet");
  }

  @Test
  void aPictureLengthPastTheBlockIsUnreadableNotAnAllocation() throws Exception {
    byte[] picture = ByteBuffer.allocate(12).putInt(3).putInt(Integer.MAX_VALUE).putInt(0).array();
    String block = "METADATA_BLOCK_PICTURE=" + Base64.getEncoder().encodeToString(picture);
    Path file = opus(tags(List.of(block)), 48_000);

    assertThatThrownBy(() -> reader.cover(file, AudioFormat.OPUS))
        .isInstanceOf(TagReader.UnreadableFileException.class)
        .hasMessageContaining("malformed METADATA_BLOCK_PICTURE");
  }

  /** An OpusTags packet: no vendor string, then {@code comments}. */
  private static byte[] tags(List<String> comments) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(header("OpusTags", 16).putInt(0).putInt(comments.size()).array());
    for (String c : comments) {
      byte[] utf8 = c.getBytes(StandardCharsets.UTF_8);
      out.writeBytes(
          ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(utf8.length).array());
      out.writeBytes(utf8);
    }
    return out.toByteArray();
  }

  private static ByteBuffer header(String magic, int size) {
    return ByteBuffer.allocate(size)
        .order(ByteOrder.LITTLE_ENDIAN)
        .put(magic.getBytes(StandardCharsets.US_ASCII));
  }

  /**
   * Three Ogg pages: OpusHead (stereo, pre-skip 312), {@code tagsPacket}, an end at {@code
   * granule}.
   */
  private Path opus(byte[] tagsPacket, long granule) throws Exception {
    return opus(tagsPacket, granule, 0);
  }

  /** As {@link #opus(byte[], long)}, with an output gain in 1/256 dB. */
  private Path opus(byte[] tagsPacket, long granule, int outputGainQ78) throws Exception {
    ByteBuffer head = header("OpusHead", 19).put((byte) 1).put((byte) 2).putShort((short) 312);
    head.putInt(48_000).putShort((short) outputGainQ78).put((byte) 0);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(page(head.array(), 0, 0));
    file.writeBytes(page(tagsPacket, 0, 1));
    file.writeBytes(page(new byte[] {(byte) 0xfc}, granule, 2));
    return Files.write(dir.resolve("test.opus"), file.toByteArray());
  }

  /** One Ogg page holding one whole packet (no CRC: the reader does not check it). */
  private static byte[] page(byte[] packet, long granule, int sequence) {
    int segments = packet.length / 255 + 1;
    ByteBuffer page =
        ByteBuffer.allocate(27 + segments + packet.length).order(ByteOrder.LITTLE_ENDIAN);
    page.put("OggS".getBytes(StandardCharsets.US_ASCII)).put((byte) 0).put((byte) 0);
    page.putLong(granule).putInt(1).putInt(sequence).putInt(0).put((byte) segments);
    for (int i = 0; i < segments - 1; i++) {
      page.put((byte) 255);
    }
    page.put((byte) (packet.length % 255));
    return page.put(packet).array();
  }
}
