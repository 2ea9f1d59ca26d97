package dev.cadenza.stream.library;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where the single-process default keeps its catalogue between runs, so that a restart serves it at
 * once and reads again only the files that changed: {@link CatalogFile} in {@code
 * cadenza.data.dir}, or {@link #NONE} (a library built without a data directory, as in unit tests,
 * scans in full at every start).
 */
interface SavedCatalogue {

  /** Nothing saved, nothing loaded. */
  SavedCatalogue NONE =
      new SavedCatalogue() {
        @Override
        public Optional<List<Track>> load(Path root) {
          return Optional.empty();
        }

        @Override
        public void save(Path root, Catalog catalog) {}
      };

  /**
   * The tracks saved for the library at {@code root}; empty when there are none, or none usable
   * (reported once).
   */
  Optional<List<Track>> load(Path root);

  /** Keeps {@code catalog} of the library at {@code root}; never throws (a failure is logged). */
  void save(Path root, Catalog catalog);
}
