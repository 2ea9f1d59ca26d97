package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@link CatalogSharingContract} of the embedded default: no sharing. */
class LocalCatalogSharingTest extends CatalogSharingContract {

  @Override
  CatalogSharing sharing(SimpleMeterRegistry meters) {
    return new LocalCatalogSharing();
  }

  @Override
  String loneMode() {
    return "local";
  }

  @Test
  void readsTheSavedCatalogueAsSoonAsTheLibraryIsBuiltBeforeItStarts(@TempDir Path root)
      throws Exception {
    CountDownLatch read = new CountDownLatch(1);
    SavedCatalogue saved =
        new SavedCatalogue() {
          @Override
          public Optional<List<Track>> load(Path library) {
            read.countDown();
            return Optional.empty();
          }

          @Override
          public void save(Path library, Catalog catalog) {}
        };

    new Library(
        LibraryFixtures.properties(root),
        new TagReader(),
        new SimpleMeterRegistry(),
        new LocalCatalogSharing(saved));

    assertThat(read.await(30, TimeUnit.SECONDS)).as("read without start()").isTrue();
  }
}
