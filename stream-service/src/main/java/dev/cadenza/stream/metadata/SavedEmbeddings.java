package dev.cadenza.stream.metadata;

import java.util.Map;

/**
 * Where the single-process default keeps its track embeddings between runs, so that a restart
 * serves similar tracks at once instead of embedding the whole catalogue again: {@link
 * EmbeddingFile} in {@code cadenza.data.dir}, or {@link #NONE} (with DynamoDB, whose catalog table
 * holds them for every pod, and in unit tests).
 */
interface SavedEmbeddings {

  /** Nothing saved, nothing loaded. */
  SavedEmbeddings NONE =
      new SavedEmbeddings() {
        @Override
        public Map<String, TrackVector> load(String version) {
          return Map.of();
        }

        @Override
        public void save(String version, Map<String, TrackVector> vectors) {}
      };

  /**
   * The vectors saved by key ({@link EmbeddingKeys}) for model and settings {@code version}; empty
   * when there are none or none usable (reported once).
   */
  Map<String, TrackVector> load(String version);

  /** Keeps {@code vectors}; never throws (a failure is logged). */
  void save(String version, Map<String, TrackVector> vectors);
}
