package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.config.CadenzaProperties.Cache.Originals;
import dev.cadenza.stream.library.LibraryFileSystem;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** cadenza.cache.originals: what auto chooses, and that an explicit choice is kept. */
class OriginalsTierTest {

  @TempDir Path library;

  @Test
  void autoServesALocalLibraryWithoutL2FromThePageCache() {
    assertThat(OriginalsTier.choose(Originals.AUTO, false, library))
        .isEqualTo(OriginalsTier.PAGE_CACHE);
  }

  @Test
  void autoKeepsOriginalsInL1WhenL2SharesThem() {
    assertThat(OriginalsTier.choose(Originals.AUTO, true, library)).isEqualTo(OriginalsTier.L1);
  }

  @Test
  void autoKeepsOriginalsInL1WhenTheFileSystemCannotBeTold() {
    assertThat(OriginalsTier.choose(Originals.AUTO, false, library.resolve("gone")))
        .isEqualTo(OriginalsTier.L1);
  }

  @Test
  void anExplicitChoiceIsKeptWhateverTheTiers() {
    assertThat(OriginalsTier.choose(Originals.L1, false, library)).isEqualTo(OriginalsTier.L1);
    assertThat(OriginalsTier.choose(Originals.PAGE_CACHE, true, library))
        .isEqualTo(OriginalsTier.PAGE_CACHE);
  }

  /** Spring lists {@code toString()} of each constant when a bad value stops start-up. */
  @Test
  void valuesAreSaidAsTheyAreWritten() {
    assertThat(Arrays.stream(Originals.values()).map(Object::toString))
        .containsExactly("auto", "l1", "page-cache");
    assertThat(OriginalsTier.PAGE_CACHE).hasToString("page-cache");
  }

  @ParameterizedTest
  @ValueSource(strings = {"page-cache", "PAGE_CACHE", "Page-Cache", "pagecache"})
  void theValueBindsHoweverItIsCased(String value) {
    Binder binder = new Binder(new MapConfigurationPropertySource(Map.of("originals", value)));

    assertThat(binder.bind("originals", Originals.class).get()).isEqualTo(Originals.PAGE_CACHE);
  }

  @ParameterizedTest
  @CsvSource({
    "ext4, false",
    "xfs, false",
    "tmpfs, false",
    "overlay, false",
    "nfs4, true",
    "cifs, true",
    "9p, true",
    "fuse.sshfs, true",
    "fuseblk, true"
  })
  void networkAndFuseFileSystemsAreRemote(String type, boolean remote) {
    assertThat(new LibraryFileSystem(type).remote()).isEqualTo(remote);
  }
}
