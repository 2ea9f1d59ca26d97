package dev.cadenza.stream.library;

import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jaudiotagger.audio.exceptions.CannotReadException;
import org.jaudiotagger.audio.ogg.OggVorbisTagReader;

/**
 * The sizes a file's container declares for the parts jaudiotagger reads whole: it allocates a
 * buffer of the declared size before reading, so a size past the end of the file (a hostile or
 * corrupt file) is refused here, before it becomes an allocation of up to 4 GiB.
 */
final class ContainerSizes {

  private static final int MP4_HEADER = 8;
  private static final int MP4_LARGE_HEADER = 16;
  private static final int RIFF_HEADER = 12;
  private static final int CHUNK_HEADER = 8;

  private ContainerSizes() {}

  /** Checks them for the formats jaudiotagger reads this way (M4A, WAV and Ogg Vorbis). */
  static void requireWithinFile(Path file, AudioFormat format) throws IOException {
    switch (format) {
      case M4A -> requireMp4BoxesWithinFile(file);
      case WAV -> requireRiffChunksWithinFile(file);
      case OGG_VORBIS -> requireVorbisCommentsWithinPacket(file);
      default -> {}
    }
  }

  /**
   * The Vorbis comment header of an Ogg Vorbis file, as jaudiotagger itself reassembles it: the
   * vendor string and each comment must fit the packet, as jaudiotagger allocates the vendor's
   * declared length. A file it cannot reassemble is left to its own verdict.
   */
  static void requireVorbisCommentsWithinPacket(Path file) throws IOException {
    ByteBuffer b;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      b = ByteBuffer.wrap(new OggVorbisTagReader().readRawPacketData(raf));
    } catch (CannotReadException | IOException | RuntimeException notVorbis) {
      return;
    }
    b.order(ByteOrder.LITTLE_ENDIAN);
    String what = "vendor string";
    long comments = 1;
    for (long i = 0; i <= comments && b.remaining() >= 4; i++) {
      long length = b.getInt() & 0xFFFF_FFFFL;
      if (length > b.remaining()) {
        throw new IOException(
            "Vorbis comment header: the "
                + what
                + " declares "
                + length
                + " bytes, but the packet has "
                + b.remaining()
                + " left");
      }
      b.position(b.position() + (int) length);
      if (i == 0 && b.remaining() >= 4) {
        comments = b.getInt() & 0xFFFF_FFFFL; // after the vendor: the number of comments
        what = "comment";
      }
    }
  }

  /** The top-level MP4 boxes up to {@code moov}: {@code ftyp} and {@code moov} are read whole. */
  static void requireMp4BoxesWithinFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = ByteBuffer.allocate(MP4_LARGE_HEADER);
      long at = 0;
      while (size - at >= MP4_HEADER) {
        read(channel, header.clear().limit(MP4_HEADER), at);
        long length = header.getInt(0) & 0xFFFF_FFFFL;
        String type = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
        int headerLength = MP4_HEADER;
        if (length == 1 && size - at >= MP4_LARGE_HEADER) { // a 64-bit size follows the type
          read(channel, header.clear().position(MP4_HEADER).limit(MP4_LARGE_HEADER), at + 8);
          length = header.getLong(MP4_HEADER);
          headerLength = MP4_LARGE_HEADER;
        } else if (length == 0) { // the box runs to the end of the file
          length = size - at;
        }
        if (length < headerLength) {
          return; // not a box: what jaudiotagger makes of it is its own error
        }
        if ((type.equals("ftyp") || type.equals("moov")) && length > size - at) {
          throw overrun("MP4 box", type, at, length, size);
        }
        if (type.equals("moov") || length > size - at) {
          return; // read whole and checked, or a box (mdat) a truncated file cuts short
        }
        at += length;
      }
    }
  }

  /**
   * The chunks of a RIFF/WAVE file: all but {@code data} (which a truncated file cuts short, and
   * which is not read) are read whole. Stops, leaving the verdict to jaudiotagger, at anything that
   * is not a chunk header.
   */
  static void requireRiffChunksWithinFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = ByteBuffer.allocate(CHUNK_HEADER).order(ByteOrder.LITTLE_ENDIAN);
      long at = RIFF_HEADER;
      while (size - at >= CHUNK_HEADER) {
        read(channel, header.clear(), at);
        String id = new String(header.array(), 0, 4, StandardCharsets.ISO_8859_1);
        if (!id.chars().allMatch(c -> c >= 0x20 && c < 0x7F)) {
          return;
        }
        long length = header.getInt(4) & 0xFFFF_FFFFL;
        if (length > size - at - CHUNK_HEADER) {
          if (id.equals("data")) {
            return;
          }
          throw overrun("RIFF chunk", id, at, length, size);
        }
        at += CHUNK_HEADER + length + (length & 1); // chunks are padded to an even size
      }
    }
  }

  private static IOException overrun(String kind, String id, long at, long length, long size) {
    return new IOException(
        kind
            + " '"
            + id
            + "' at byte "
            + at
            + " declares "
            + length
            + " bytes, but the file has "
            + (size - at)
            + " left");
  }

  private static void read(FileChannel channel, ByteBuffer into, long position) throws IOException {
    int start = into.position();
    while (into.hasRemaining()) {
      if (channel.read(into, position + into.position() - start) < 0) {
        throw new EOFException("truncated header");
      }
    }
  }
}
