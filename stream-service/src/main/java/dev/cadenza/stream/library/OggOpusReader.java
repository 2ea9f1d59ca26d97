package dev.cadenza.stream.library;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * Reads Ogg Opus files (RFC 7845), which jaudiotagger does not: the {@code OpusHead} and {@code
 * OpusTags} packets for tags and cover, the last page's granule position for the duration.
 */
final class OggOpusReader {

  private static final int MAX_TAGS_PACKET = 16 * 1024 * 1024;
  private static final int MAX_PAGE = 65_307;
  private static final double OPUS_RATE = 48_000.0;

  private OggOpusReader() {}

  /**
   * The parsed header and comments of one file.
   *
   * @param outputGainQ78 the gain every decoder applies, in 1/256 dB (RFC 7845, 5.1)
   */
  record OpusFile(
      int channels, int preSkip, int outputGainQ78, long durationMs, List<String> comments) {}

  static OpusFile read(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      InputStream in = Channels.newInputStream(channel);
      List<byte[]> packets = firstPackets(in, 2);
      if (packets.size() < 2) {
        throw new IOException("not an Ogg Opus file: missing header packets");
      }
      ByteBuffer head = ByteBuffer.wrap(packets.get(0)).order(ByteOrder.LITTLE_ENDIAN);
      if (!startsWith(packets.get(0), "OpusHead") || packets.get(0).length < 19) {
        throw new IOException("not an Ogg Opus file: no OpusHead");
      }
      int channels = head.get(9) & 0xff;
      int preSkip = head.getShort(10) & 0xffff;
      int outputGain = head.getShort(16); // signed
      if (!startsWith(packets.get(1), "OpusTags")) {
        throw new IOException("not an Ogg Opus file: no OpusTags");
      }
      List<String> comments = comments(packets.get(1));
      long granule = lastGranule(channel);
      long durationMs = granule > preSkip ? Math.round((granule - preSkip) / OPUS_RATE * 1000) : 0;
      return new OpusFile(channels, preSkip, outputGain, durationMs, comments);
    }
  }

  static FileTags tags(Path file, long size, IgnoredTagValues ignored) throws IOException {
    OpusFile opus = read(file);
    Integer bitrate =
        opus.durationMs() > 0 ? (int) Math.round(size * 8.0 / opus.durationMs()) : null;
    return new FileTags(
        TrackTags.builder()
            .title(comment(opus, "TITLE"))
            .artist(comment(opus, "ARTIST"))
            .album(comment(opus, "ALBUM"))
            .albumArtist(first(comment(opus, "ALBUMARTIST"), comment(opus, "ALBUM ARTIST")))
            .trackNumber(TagValues.leadingInt(comment(opus, "TRACKNUMBER")))
            .discNumber(TagValues.leadingInt(comment(opus, "DISCNUMBER")))
            .year(TagValues.leadingInt(first(comment(opus, "DATE"), comment(opus, "YEAR"))))
            .genre(comment(opus, "GENRE"))
            .durationMs(opus.durationMs())
            .replayGain(
                ReplayGainTags.readOpus(
                    name -> comment(opus, name), opus.outputGainQ78(), file, ignored))
            .build(),
        new AudioProperties(bitrate, (int) OPUS_RATE, opus.channels(), "Opus"),
        comment(opus, "METADATA_BLOCK_PICTURE") != null);
  }

  static Cover cover(Path file) throws IOException {
    String block = comment(read(file), "METADATA_BLOCK_PICTURE");
    if (block == null) {
      return null;
    }
    // A FLAC picture block (big-endian): type, mime, description, 4 dimensions, data.
    ByteBuffer b;
    try {
      b = ByteBuffer.wrap(Base64.getMimeDecoder().decode(block));
      b.getInt();
      String mime = new String(bytes(b, b.getInt()), StandardCharsets.US_ASCII);
      bytes(b, b.getInt());
      b.position(b.position() + 16);
      return new Cover(bytes(b, b.getInt()), mime.isEmpty() ? "image/jpeg" : mime);
    } catch (RuntimeException e) {
      throw new IOException("malformed METADATA_BLOCK_PICTURE", e);
    }
  }

  /** The next {@code length} bytes; a length past the buffer's end fails before it allocates. */
  private static byte[] bytes(ByteBuffer b, int length) {
    if (length < 0 || length > b.remaining()) {
      throw new BufferUnderflowException();
    }
    byte[] out = new byte[length];
    b.get(out);
    return out;
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }

  private static String comment(OpusFile opus, String key) {
    String prefix = key + "=";
    for (String c : opus.comments()) {
      if (c.length() > prefix.length()
          && c.substring(0, prefix.length()).toUpperCase(Locale.ROOT).equals(prefix)) {
        String value = c.substring(prefix.length()).strip();
        if (!value.isEmpty()) {
          return value;
        }
      }
    }
    return null;
  }

  private static List<String> comments(byte[] packet) throws IOException {
    try {
      ByteBuffer b = ByteBuffer.wrap(packet).order(ByteOrder.LITTLE_ENDIAN);
      b.position(8);
      int vendorLength = b.getInt();
      b.position(b.position() + vendorLength);
      int count = b.getInt();
      List<String> out = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        out.add(new String(bytes(b, b.getInt()), StandardCharsets.UTF_8));
      }
      return out;
    } catch (RuntimeException e) {
      throw new IOException("malformed OpusTags packet", e);
    }
  }

  /** Reassembles the first {@code count} packets of the (single) logical stream. */
  private static List<byte[]> firstPackets(InputStream in, int count) throws IOException {
    List<byte[]> packets = new ArrayList<>();
    ByteArrayOutputStream packet = new ByteArrayOutputStream();
    byte[] header = new byte[27];
    while (packets.size() < count) {
      if (in.readNBytes(header, 0, 27) < 27 || !startsWith(header, "OggS")) {
        break;
      }
      int segments = header[26] & 0xff;
      byte[] lacing = in.readNBytes(segments);
      if (lacing.length < segments) {
        break;
      }
      for (byte lace : lacing) {
        int len = lace & 0xff;
        byte[] data = in.readNBytes(len);
        if (data.length < len) {
          throw new IOException("truncated Ogg page");
        }
        packet.write(data);
        if (packet.size() > MAX_TAGS_PACKET) {
          throw new IOException("Ogg header packet larger than " + MAX_TAGS_PACKET + " bytes");
        }
        if (len < 255) {
          packets.add(packet.toByteArray());
          packet.reset();
          if (packets.size() == count) {
            break;
          }
        }
      }
    }
    return packets;
  }

  /** Granule position of the last page: the number of 48 kHz samples in the stream. */
  private static long lastGranule(FileChannel channel) throws IOException {
    long size = channel.size();
    int window = (int) Math.min(size, MAX_PAGE + 27L);
    ByteBuffer tail = ByteBuffer.allocate(window).order(ByteOrder.LITTLE_ENDIAN);
    channel.read(tail, size - window);
    byte[] t = tail.array();
    for (int i = window - 27; i >= 0; i--) {
      if (t[i] == 'O' && t[i + 1] == 'g' && t[i + 2] == 'g' && t[i + 3] == 'S' && t[i + 4] == 0) {
        return tail.getLong(i + 6);
      }
    }
    throw new IOException("no Ogg page found at the end of the file");
  }

  private static boolean startsWith(byte[] data, String magic) {
    if (data.length < magic.length()) {
      return false;
    }
    for (int i = 0; i < magic.length(); i++) {
      if (data[i] != magic.charAt(i)) {
        return false;
      }
    }
    return true;
  }
}
