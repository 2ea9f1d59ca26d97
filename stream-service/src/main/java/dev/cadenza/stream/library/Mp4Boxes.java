package dev.cadenza.stream.library;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The top-level boxes of an MP4 file that jaudiotagger reads whole ({@code ftyp}, {@code moov}): it
 * allocates a buffer of the size a box declares before reading it, so a size past the end of the
 * file (a hostile or corrupt file) must be refused here, before it becomes an allocation of up to 2
 * GiB.
 */
final class Mp4Boxes {

  private static final int HEADER = 8;
  private static final int LARGE_HEADER = 16;

  private Mp4Boxes() {}

  /**
   * Walks the top-level boxes up to {@code moov}; fails on one read whole that overruns the file.
   */
  static void requireReadWholeWithinFile(Path file) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      ByteBuffer header = ByteBuffer.allocate(LARGE_HEADER);
      long at = 0;
      while (size - at >= HEADER) {
        read(channel, header.clear().limit(HEADER), at);
        long length = header.getInt(0) & 0xFFFF_FFFFL;
        String type = new String(header.array(), 4, 4, StandardCharsets.ISO_8859_1);
        int headerLength = HEADER;
        if (length == 1 && size - at >= LARGE_HEADER) { // a 64-bit size follows the type
          read(channel, header.clear().position(HEADER).limit(LARGE_HEADER), at + HEADER);
          length = header.getLong(HEADER);
          headerLength = LARGE_HEADER;
        } else if (length == 0) { // the box runs to the end of the file
          length = size - at;
        }
        if (length < headerLength) {
          return; // not a box: what jaudiotagger makes of it is its own error
        }
        boolean readWhole = type.equals("ftyp") || type.equals("moov");
        if (readWhole && length > size - at) {
          throw new IOException(
              "MP4 box '"
                  + type
                  + "' at byte "
                  + at
                  + " declares "
                  + length
                  + " bytes, but the file has "
                  + (size - at)
                  + " left");
        }
        if (type.equals("moov")) {
          return;
        }
        at += length;
      }
    }
  }

  private static void read(FileChannel channel, ByteBuffer into, long position) throws IOException {
    int start = into.position();
    while (into.hasRemaining()) {
      if (channel.read(into, position + into.position() - start) < 0) {
        throw new EOFException("truncated MP4 box header");
      }
    }
  }
}
