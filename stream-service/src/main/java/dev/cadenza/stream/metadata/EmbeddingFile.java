package dev.cadenza.stream.metadata;

import dev.cadenza.stream.store.SnapshotFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The track embeddings saved between runs of the single-process default: {@value #FILE_NAME} in
 * {@code cadenza.data.dir}, every vector of the catalogue by its key, written after each pass that
 * embedded or dropped some (about 410 bytes a track). A snapshot replaced by an atomic rename, like
 * the saved catalogue beside it (docs/metadata.md).
 *
 * <p>Format: a {@link SnapshotFile} (magic, {@link #FORMAT}, CRC-32) of the {@link
 * EmbeddingKeys#version()} of the vectors, the count, then per vector its key, scale and {@link
 * Embedder#DIMENSIONS} quantised values. A file of another format or model version, a truncated or
 * corrupt one, is reported once and ignored: the catalogue is embedded again.
 */
final class EmbeddingFile implements SavedEmbeddings {

  /** The file in {@code cadenza.data.dir}. */
  static final String FILE_NAME = "embeddings.bin";

  private static final Logger log = LoggerFactory.getLogger(EmbeddingFile.class);
  private static final int MAGIC = 0x435a454d; // "CZEM"

  /** Version of the layout; a change of layout bumps it. */
  static final int FORMAT = 1;

  private final SnapshotFile file;

  EmbeddingFile(Path dataDir) {
    this.file = new SnapshotFile(dataDir.resolve(FILE_NAME), MAGIC, FORMAT);
  }

  @Override
  public Map<String, TrackVector> load(String version) {
    try {
      return file.read(
              data -> {
                if (!data.readUTF().equals(version)) {
                  throw new SnapshotFile.Refused("it holds vectors of another model or settings");
                }
                int count = data.readInt();
                if (count < 0) {
                  throw new SnapshotFile.Refused("it is corrupt");
                }
                Map<String, TrackVector> vectors = new HashMap<>();
                byte[] values = new byte[Embedder.DIMENSIONS];
                for (int i = 0; i < count; i++) {
                  String key = data.readUTF();
                  float scale = data.readFloat();
                  data.readFully(values);
                  vectors.put(key, TrackVector.of(values, scale)); // copies values
                }
                return vectors;
              })
          .orElse(Map.of());
    } catch (SnapshotFile.Refused e) {
      log.warn(
          "Ignoring the saved embeddings {}: {}; the catalogue is embedded again",
          file.path(),
          e.getMessage());
      return Map.of();
    }
  }

  @Override
  public void save(String version, Map<String, TrackVector> vectors) {
    Map<String, TrackVector> snapshot = Map.copyOf(vectors); // the count must match
    try {
      file.write(
          data -> {
            data.writeUTF(version);
            data.writeInt(snapshot.size());
            for (Map.Entry<String, TrackVector> e : snapshot.entrySet()) {
              data.writeUTF(e.getKey());
              data.writeFloat(e.getValue().scale());
              data.write(e.getValue().values());
            }
          });
    } catch (IOException e) {
      log.warn(
          "Could not save the embeddings to {} ({}); the next start embeds the catalogue again",
          file.path(),
          e.toString());
    }
  }
}
