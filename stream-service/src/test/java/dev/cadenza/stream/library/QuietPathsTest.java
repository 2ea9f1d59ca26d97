package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A touched path waits until no event came for the quiet period and it stopped changing. */
class QuietPathsTest {

  private static final long QUIET = 400;
  private final Path file = Path.of("album/track.flac");
  private final Map<Path, Object> looks = new HashMap<>();
  private final QuietPaths quiet = new QuietPaths(QUIET);

  @Test
  void aPathIsReadyOnceQuietAndUnchanged() {
    looks.put(file, 100L);
    quiet.touched(file, 0, 100L);

    assertThat(quiet.ready(QUIET - 1, looks::get)).isEmpty();
    assertThat(quiet.untilNext(QUIET - 1)).isEqualTo(1);
    assertThat(quiet.ready(QUIET, looks::get)).containsExactly(file);
    assertThat(quiet.isEmpty()).isTrue();
    assertThat(quiet.untilNext(QUIET)).isEqualTo(-1);
  }

  @Test
  void everyEventStartsTheQuietPeriodAgain() {
    looks.put(file, 300L);
    quiet.touched(file, 0, 100L);
    quiet.touched(file, 300, 300L);

    assertThat(quiet.ready(QUIET, looks::get)).isEmpty();
    assertThat(quiet.ready(300 + QUIET, looks::get)).containsExactly(file);
  }

  @Test
  void aFileThatGrewWithoutAnEventWaitsAnotherPeriod() {
    quiet.touched(file, 0, 100L);
    looks.put(file, 200L); // written to, its event not seen yet

    assertThat(quiet.ready(QUIET, looks::get)).isEmpty();
    assertThat(quiet.ready(2 * QUIET - 1, looks::get)).isEmpty();
    assertThat(quiet.ready(2 * QUIET, looks::get)).containsExactly(file);
  }

  @Test
  void aDirectoryWaitsForTheFilesStillBeingCopiedIntoIt() {
    Path album = Path.of("album");
    looks.put(album, 1L);
    looks.put(file, 100L);
    quiet.touched(album, 0, 1L);
    quiet.touched(file, 300, 50L); // still being written

    assertThat(quiet.ready(QUIET, looks::get)).isEmpty();
    assertThat(quiet.ready(300 + QUIET, looks::get)).isEmpty(); // the file grew: one more period
    assertThat(quiet.ready(300 + 2 * QUIET, looks::get)).containsExactlyInAnyOrder(album, file);
  }
}
