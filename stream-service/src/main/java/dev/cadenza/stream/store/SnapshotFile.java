package dev.cadenza.stream.store;

import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

/**
 * A file in {@code cadenza.data.dir} that holds one snapshot of something the service can rebuild
 * (the saved catalogue, the saved embeddings): written whole to a temporary file and put in place
 * by an atomic rename, so it is never half-written, and read back only when its kind ({@code
 * magic}), its layout ({@code format}) and a CRC-32 of everything in it check out. A snapshot that
 * does not is refused with the reason, for the caller to report once and rebuild what it held.
 */
public final class SnapshotFile {

  /** Writes the snapshot's content (after the header). */
  @FunctionalInterface
  public interface Content {
    void write(DataOutputStream out) throws IOException;
  }

  /** Reads the snapshot's content (after the header); refuses what it cannot use. */
  @FunctionalInterface
  public interface Reading<T> {
    T read(DataInputStream in) throws IOException, Refused;
  }

  /** The snapshot cannot be used; the message says why, as "it is …". */
  public static final class Refused extends Exception {
    public Refused(String why) {
      super(why, null, false, false);
    }
  }

  private static final int BUFFER = 1 << 16;
  private static final int HEADER = 2 * Integer.BYTES; // magic, format
  private static final int CHECKSUM = Long.BYTES;

  private final Path file;
  private final int magic;
  private final int format;

  /**
   * @param file where the snapshot lives
   * @param magic what kind of snapshot it is (four letters, as an int)
   * @param format the layout's version; a change of layout bumps it
   */
  public SnapshotFile(Path file, int magic, int format) {
    this.file = file;
    this.magic = magic;
    this.format = format;
  }

  public Path path() {
    return file;
  }

  /** Replaces the file with a new snapshot; on failure the previous one stays. */
  public void write(Content content) throws IOException {
    Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), BUFFER)) {
      CRC32 crc = new CRC32();
      DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
      data.writeInt(magic);
      data.writeInt(format);
      content.write(data);
      data.flush();
      data.writeLong(crc.getValue());
      data.flush();
    }
    try {
      Files.move(
          temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * The snapshot's content, or empty when there is none. The file is mapped rather than streamed:
   * {@code reading}'s small reads then cost no lock nor checksum update per byte, and the checksum
   * is one pass over the mapping once it has decoded (a 100,000-track catalogue's decode at restart
   * makes ten million such reads); nothing of the file is copied to the heap.
   *
   * @throws Refused when it is of another kind or format, truncated, corrupt or unreadable, or when
   *     {@code reading} refused it
   */
  public <T> Optional<T> read(Reading<T> reading) throws Refused {
    ByteBuffer mapped;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException | RuntimeException e) {
      throw new Refused("it cannot be read (" + e + ")");
    }
    if (mapped.remaining() < HEADER) {
      throw new Refused("it is truncated");
    }
    if (mapped.getInt(0) != magic) {
      throw new Refused("it is of another kind");
    }
    int found = mapped.getInt(Integer.BYTES);
    if (found != format) {
      throw new Refused("it is of an older or newer format (" + found + ")");
    }
    if (mapped.remaining() < HEADER + CHECKSUM) {
      throw new Refused("it is truncated");
    }
    int end = mapped.limit() - CHECKSUM;
    ByteBuffer content = mapped.slice(HEADER, end - HEADER);
    T value;
    try {
      value = reading.read(new DataInputStream(new BufferInput(content)));
    } catch (EOFException e) {
      throw new Refused("it is truncated");
    } catch (IOException | RuntimeException e) {
      throw new Refused("it cannot be read (" + e + ")");
    }
    CRC32 crc = new CRC32();
    crc.update(mapped.slice(0, end));
    if (mapped.getLong(end) != crc.getValue()) {
      throw new Refused("it is corrupt (checksum)");
    }
    if (content.hasRemaining()) {
      throw new Refused("it is corrupt (" + content.remaining() + " bytes left over)");
    }
    return Optional.of(value);
  }

  /** The rest of a buffer as a stream, with no lock or copy beyond what a read asks for. */
  private static final class BufferInput extends InputStream {
    private final ByteBuffer buffer;

    BufferInput(ByteBuffer buffer) {
      this.buffer = buffer;
    }

    @Override
    public int read() {
      return buffer.hasRemaining() ? buffer.get() & 0xff : -1;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) {
      if (length == 0) {
        return 0;
      }
      if (!buffer.hasRemaining()) {
        return -1;
      }
      int n = Math.min(length, buffer.remaining());
      buffer.get(bytes, offset, n);
      return n;
    }
  }
}
