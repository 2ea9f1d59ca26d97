package dev.cadenza.stream.cache;

import dev.cadenza.stream.library.FileChangedException;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Track;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;

/**
 * The last tier: reads a chunk from the library file, and checks afterwards that the file is still
 * the version the chunk is keyed by, so a chunk can never hold bytes of two versions.
 */
final class OriginReader {

  private final int chunkSize;

  OriginReader(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  /** Blocking file I/O. */
  byte[] read(Track track, int index) {
    long position = (long) index * chunkSize;
    int length = (int) Math.min(chunkSize, track.size() - position);
    if (length <= 0) {
      throw new IllegalArgumentException(
          "chunk " + index + " is past the end of '" + track.path() + "'");
    }
    byte[] bytes = new byte[length];
    ByteBuffer into = ByteBuffer.wrap(bytes);
    try (FileChannel channel = FileChannel.open(track.file(), StandardOpenOption.READ)) {
      while (into.hasRemaining()) {
        if (channel.read(into, position + into.position()) < 0) {
          throw new FileChangedException(track.path()); // truncated under us
        }
      }
    } catch (NoSuchFileException e) {
      throw new FileChangedException(track.path());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      if (!FileVersion.of(track.file()).equals(track.version())) {
        throw new FileChangedException(track.path());
      }
    } catch (IOException e) {
      throw new FileChangedException(track.path());
    }
    return bytes;
  }
}
