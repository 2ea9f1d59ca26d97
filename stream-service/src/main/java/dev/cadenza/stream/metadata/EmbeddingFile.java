package dev.cadenza.stream.metadata;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The track embeddings saved between runs of the single-process default: {@value #FILE_NAME} in
 * {@code cadenza.data.dir}, every vector of the catalogue by its key, written after each pass that
 * embedded or dropped some (about 410 bytes a track). A snapshot replaced by an atomic rename, like
 * the saved catalogue beside it (docs/metadata.md).
 *
 * <p>Format: magic, {@link #FORMAT}, the {@link EmbeddingKeys#version()} of the vectors, the count,
 * then per vector its key, scale and {@link Embedder#DIMENSIONS} quantised values, then a CRC-32 of
 * all that. A file of another format or model version, a truncated or corrupt one, is reported once
 * and ignored: the catalogue is embedded again.
 */
final class EmbeddingFile implements SavedEmbeddings {

  /** The file in {@code cadenza.data.dir}. */
  static final String FILE_NAME = "embeddings.bin";

  private static final Logger log = LoggerFactory.getLogger(EmbeddingFile.class);
  private static final int MAGIC = 0x435a454d; // "CZEM"

  /** Version of the layout; a change of layout bumps it. */
  static final int FORMAT = 1;

  private final Path file;

  EmbeddingFile(Path dataDir) {
    this.file = dataDir.resolve(FILE_NAME);
  }

  @Override
  public Map<String, TrackVector> load(String version) {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      CRC32 crc = new CRC32();
      DataInputStream data = new DataInputStream(new CheckedInputStream(in, crc));
      if (data.readInt() != MAGIC || data.readInt() != FORMAT) {
        return ignored("it is not of this format");
      }
      if (!data.readUTF().equals(version)) {
        return ignored("it holds vectors of another model or settings");
      }
      int count = data.readInt();
      if (count < 0) {
        return ignored("it is corrupt");
      }
      Map<String, TrackVector> vectors = new HashMap<>();
      byte[] values = new byte[Embedder.DIMENSIONS];
      for (int i = 0; i < count; i++) {
        String key = data.readUTF();
        float scale = data.readFloat();
        data.readFully(values);
        vectors.put(key, TrackVector.of(values, scale)); // copies values
      }
      long expected = crc.getValue();
      if (data.readLong() != expected) {
        return ignored("it is corrupt (checksum)");
      }
      return vectors;
    } catch (NoSuchFileException e) {
      return Map.of();
    } catch (EOFException e) {
      return ignored("it is truncated");
    } catch (IOException | RuntimeException e) {
      return ignored("it cannot be read (" + e + ")");
    }
  }

  private Map<String, TrackVector> ignored(String why) {
    log.warn("Ignoring the saved embeddings {}: {}; the catalogue is embedded again", file, why);
    return Map.of();
  }

  @Override
  public void save(String version, Map<String, TrackVector> vectors) {
    Path temporary = file.resolveSibling(FILE_NAME + ".tmp");
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary), 1 << 16)) {
        CRC32 crc = new CRC32();
        DataOutputStream data = new DataOutputStream(new CheckedOutputStream(out, crc));
        Map<String, TrackVector> snapshot = Map.copyOf(vectors); // the count must match
        data.writeInt(MAGIC);
        data.writeInt(FORMAT);
        data.writeUTF(version);
        data.writeInt(snapshot.size());
        for (Map.Entry<String, TrackVector> e : snapshot.entrySet()) {
          data.writeUTF(e.getKey());
          data.writeFloat(e.getValue().scale());
          data.write(e.getValue().values());
        }
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
    } catch (IOException e) {
      log.warn(
          "Could not save the embeddings to {} ({}); the next start embeds the catalogue again",
          file,
          e.toString());
    }
  }
}
