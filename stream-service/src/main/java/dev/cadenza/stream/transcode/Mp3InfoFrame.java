package dev.cadenza.stream.transcode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The LAME "Info" frame of a made MP3: its frame count and byte count, and the encoder delay and
 * end padding that let a decoder play exactly the source's samples.
 *
 * <p>ffmpeg writes that frame only to a seekable output (it is filled in at the end), never to the
 * pipe a run streams from. So the run's ffmpeg muxes the one encoded stream twice ({@code -f tee}):
 * to the pipe, with {@link #RESERVED} zero bytes of padding in its leading ID3v2 tag, and to a
 * seekable side file, which gets ffmpeg's own Info frame. Once the run is done, {@link #patch}
 * moves that frame into the reserved padding: the ID3v2 tag shrinks by the frame's length, so the
 * variant keeps its length and only its first bytes change. The frames after it are the same in
 * both outputs, so the frame's byte count and table of contents hold for the patched variant.
 */
final class Mp3InfoFrame {

  /**
   * ID3v2 padding kept for the frame: the largest Info frame ffmpeg writes is one MPEG-1 Layer III
   * frame at 320 kbit/s and 32 kHz, 1,441 bytes.
   */
  static final int RESERVED = 2048;

  private static final int ID3_HEADER = 10;

  private Mp3InfoFrame() {}

  /**
   * ffmpeg's output options that stream to stdout with the padding reserved and write the seekable
   * copy to {@code sideFile}; a failure to write the copy does not fail the run ({@code
   * onfail=ignore}), it only leaves the variant unpatched.
   */
  static List<String> teeOutput(Path sideFile) {
    // the tee's own syntax: a backslash escapes its separator '|', its quote and itself
    String path =
        sideFile
            .toAbsolutePath()
            .toString()
            .replace("\\", "\\\\")
            .replace("'", "\\'")
            .replace("|", "\\|");
    return List.of(
        "-f",
        "tee",
        "[f=mp3:fflags=+bitexact:metadata_header_padding="
            + RESERVED
            + "]pipe:1|[f=mp3:fflags=+bitexact:onfail=ignore]file:"
            + path);
  }

  /**
   * The Info frame of {@code sideFile}, the seekable copy of {@code head}'s stream: the bytes
   * between its ID3v2 tag and the first frame {@code head} has after its own tag. Empty when the
   * copy is missing, or holds no Info frame.
   *
   * @param head the first chunk of the streamed output
   * @param length the streamed output's length
   */
  static Optional<byte[]> read(Path sideFile, byte[] head, long length) throws IOException {
    if (!Files.isRegularFile(sideFile)) {
      return Optional.empty();
    }
    long sideLength = Files.size(sideFile);
    int tag = tagLength(head);
    byte[] start;
    try (InputStream in = Files.newInputStream(sideFile)) {
      // its tag (ffmpeg's default padding, 10 bytes), the Info frame and the next frame's header
      start = in.readNBytes(ID3_HEADER + RESERVED + 2 * 1441);
    }
    int sideTag = tagLength(start);
    long frame = sideLength - sideTag - (length - tag);
    if (tag < 0 || sideTag < 0 || frame < 4 || frame > RESERVED) {
      return Optional.empty();
    }
    int end = sideTag + (int) frame;
    byte[] info = Arrays.copyOfRange(start, sideTag, end);
    boolean sameNext =
        head.length >= tag + 4
            && start.length >= end + 4
            && Arrays.equals(start, end, end + 4, head, tag, tag + 4);
    return isInfoFrame(info) && sameNext ? Optional.of(info) : Optional.empty();
  }

  /**
   * {@code head} with {@code info} at the end of its ID3v2 tag's padding, the tag shortened by its
   * length: the same number of bytes.
   *
   * @throws IllegalArgumentException when {@code head} has no such padding for it
   */
  static byte[] patch(byte[] head, byte[] info) {
    int tag = tagLength(head);
    int at = tag - info.length;
    if (tag < 0 || at < ID3_HEADER || head.length < tag) {
      throw new IllegalArgumentException("no ID3v2 padding of " + info.length + " bytes to fill");
    }
    for (int i = ID3_HEADER; i < tag; i++) {
      if (head[i] != 0) {
        throw new IllegalArgumentException("the ID3v2 tag holds more than padding");
      }
    }
    byte[] patched = head.clone();
    int size = at - ID3_HEADER;
    for (int i = 0; i < 4; i++) {
      patched[6 + i] = (byte) ((size >> (7 * (3 - i))) & 0x7f); // synchsafe
    }
    System.arraycopy(info, 0, patched, at, info.length);
    return patched;
  }

  /** The length of the ID3v2 tag {@code bytes} start with (header included), or -1. */
  static int tagLength(byte[] bytes) {
    if (bytes.length < ID3_HEADER
        || bytes[0] != 'I'
        || bytes[1] != 'D'
        || bytes[2] != '3'
        || bytes[5] != 0) {
      return -1;
    }
    int size = 0;
    for (int i = 6; i < 10; i++) {
      if ((bytes[i] & 0x80) != 0) {
        return -1;
      }
      size = (size << 7) | bytes[i];
    }
    return ID3_HEADER + size;
  }

  /** An MPEG audio frame whose side information is followed by a Xing or Info header. */
  private static boolean isInfoFrame(byte[] frame) {
    if ((frame[0] & 0xff) != 0xff || (frame[1] & 0xe0) != 0xe0) {
      return false;
    }
    for (int i = 4; i + 4 <= Math.min(frame.length, 4 + 32 + 4); i++) {
      String id = new String(frame, i, 4, StandardCharsets.ISO_8859_1);
      if (id.equals("Info") || id.equals("Xing")) {
        return true;
      }
    }
    return false;
  }
}
