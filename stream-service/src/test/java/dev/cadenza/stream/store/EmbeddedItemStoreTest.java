package dev.cadenza.stream.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cadenza.stream.store.ItemStore.Item;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The {@link ItemStoreContract} of the embedded store, and what only a file can get wrong: it keeps
 * everything across a close and a reopen, across a {@code kill -9} of the process that wrote, is
 * readable by its owner only, and one data directory serves one process.
 */
class EmbeddedItemStoreTest extends ItemStoreContract {

  @TempDir Path dir;

  @Override
  ItemStore open() {
    return EmbeddedItemStore.open(dir);
  }

  @Override
  void close(ItemStore store) {
    ((EmbeddedItemStore) store).close();
  }

  @Test
  void aReopenedStoreHasEverythingThatWasWritten() {
    put("star#track#1", Map.of("at", "1"), ItemStore.ABSENT);
    put("star#track#1", Map.of("at", "2"), 1);
    put("playlist#1", Map.of("name", "Tokyo 東京", "empty", ""), ItemStore.ABSENT);
    put("gone", Map.of(), ItemStore.ABSENT);
    delete("gone", ItemStore.ANY);
    ((EmbeddedItemStore) store).close();

    store = EmbeddedItemStore.open(dir);

    assertThat(get("star#track#1")).contains(new Item(pk, "star#track#1", 2, Map.of("at", "2"), 0));
    assertThat(get("playlist#1").orElseThrow().attributes())
        .isEqualTo(Map.of("name", "Tokyo 東京", "empty", ""));
    assertThat(get("gone")).isEmpty();
    assertThat(query("", null, 10)).containsExactly("playlist#1", "star#track#1");
    assertThat(put("star#track#1", Map.of("at", "3"), 2)).map(Item::version).contains(3L);
  }

  @Test
  void aSecondOpenOfTheSameDirectoryFailsAndSaysWhy() {
    assertThatThrownBy(() -> EmbeddedItemStore.open(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("cadenza.data.dir")
        .hasMessageContaining(dir.resolve(EmbeddedItemStore.FILE_NAME).toString())
        .hasMessageContaining("is locked: another Cadenza process uses");
    assertThat(put("still", Map.of(), ItemStore.ABSENT)).as("the first one goes on").isPresent();
  }

  @Test
  void theFileAndANewDirectoryAreTheOwnersOnly(@TempDir Path parent) {
    assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    Path fresh = parent.resolve("data");

    EmbeddedItemStore.open(fresh).close();

    assertThat(posix(fresh)).isEqualTo("rwx------");
    assertThat(posix(fresh.resolve(EmbeddedItemStore.FILE_NAME))).isEqualTo("rw-------");
  }

  @Test
  void aProcessKilledRightAfterItsWritesLosesNoneOfThemAndHoldsTheLockUntilThen(
      @TempDir Path shared) throws Exception {
    ((EmbeddedItemStore) store).close();
    int items = 50;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process writer =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WriteAndWait.class.getName(),
                shared.toString(),
                pk,
                Integer.toString(items))
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8));
      String line;
      do {
        line = out.readLine();
      } while (line != null && !line.equals(WriteAndWait.WRITTEN));
      assertThat(line).as("the writer wrote its items").isEqualTo(WriteAndWait.WRITTEN);

      assertThatThrownBy(() -> EmbeddedItemStore.open(shared))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("is locked: another Cadenza process uses " + shared);
    } finally {
      writer.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    store = EmbeddedItemStore.open(shared);

    assertThat(store.query(pk, "scrobble#", null, 1000).collectList().block(WAIT))
        .hasSize(items)
        .allSatisfy(i -> assertThat(i.version()).isEqualTo(2));
  }

  @Test
  void itsHealthNamesTheFileAndItemsAndIsDownOnceClosed() {
    put("a", Map.of(), ItemStore.ABSENT);
    EmbeddedItemStore embedded = (EmbeddedItemStore) store;

    Health up = embedded.health();
    embedded.close();
    Health closed = embedded.health();

    assertThat(up.getStatus()).isEqualTo(Status.UP);
    assertThat(up.getDetails())
        .containsEntry("backend", "embedded")
        .containsEntry("file", dir.resolve(EmbeddedItemStore.FILE_NAME).toString())
        .containsEntry("items", 1L);
    assertThat(closed.getStatus()).isEqualTo(Status.DOWN);
  }

  private static String posix(Path p) {
    try {
      return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A process that writes items, each twice, says so, and waits to be killed. */
  static final class WriteAndWait {
    static final String WRITTEN = "written";

    public static void main(String[] args) throws Exception {
      EmbeddedItemStore store = EmbeddedItemStore.open(Path.of(args[0]));
      for (int i = 0; i < Integer.parseInt(args[2]); i++) {
        Item item = Item.of(args[1], "scrobble#" + i, Map.of("n", Integer.toString(i)));
        store.put(item, ItemStore.ABSENT).block();
        store.put(item, 1).block();
      }
      System.out.println(WRITTEN);
      System.out.flush();
      Thread.sleep(Long.MAX_VALUE);
    }
  }
}
