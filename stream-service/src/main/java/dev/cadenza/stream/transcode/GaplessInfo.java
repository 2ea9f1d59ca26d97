package dev.cadenza.stream.transcode;

import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A made variant with the gapless information its stream could not carry written into its first
 * chunk, so that it decodes to the source's length: the LAME Info frame of an MP3 ({@link
 * Mp3InfoFrame}), the edit list and {@code iTunSMPB} of an M4A ({@link M4aGaplessInfo}). Its length
 * stays the same, so only the first chunk differs from what listeners of the run were sent. Opus
 * needs nothing (its header says how much to skip); ADTS has nowhere to say it.
 *
 * @param chunks the variant's chunks, the first one patched
 * @param sha256 of the patched bytes
 */
record GaplessInfo(List<byte[]> chunks, byte[] sha256) {

  /** Whether {@code format} gets its gapless information written once made. */
  static boolean writtenFor(TranscodeFormat format) {
    return format == TranscodeFormat.MP3 || format == TranscodeFormat.M4A;
  }

  /**
   * The chunks of a done run of {@code format} with the information written in.
   *
   * @param mp3Copy the seekable copy of an MP3 run
   * @throws IllegalArgumentException when the output has no room for it or is not as ffmpeg writes
   *     it; the variant is then kept as it was made
   */
  static GaplessInfo written(TranscodeFormat format, List<byte[]> chunks, Optional<Path> mp3Copy)
      throws IOException {
    byte[] head = chunks.get(0);
    long length = chunks.stream().mapToLong(c -> c.length).sum();
    byte[] patched =
        switch (format) {
          case MP3 -> {
            Path copy = mp3Copy.orElseThrow(() -> new IllegalArgumentException("no seekable copy"));
            byte[] info =
                Mp3InfoFrame.read(copy, head, length)
                    .orElseThrow(
                        () -> new IllegalArgumentException("no Info frame in the seekable copy"));
            yield Mp3InfoFrame.patch(head, info);
          }
          case M4A -> M4aGaplessInfo.patch(chunks);
          default -> throw new IllegalArgumentException(format.id() + " carries none");
        };
    List<byte[]> all = new ArrayList<>(chunks);
    all.set(0, patched);
    return new GaplessInfo(List.copyOf(all), sha256(all));
  }

  private static byte[] sha256(List<byte[]> chunks) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      chunks.forEach(digest::update);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
