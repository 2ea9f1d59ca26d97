package dev.cadenza.stream.cache;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.Track;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The likely next tracks: the album's next, then similar ones, then the rest of the album. */
class LikelyNextTest {

  @TempDir Path root;
  Catalog catalog;
  Track a1;
  Track a2;
  Track a3;
  Track a4;
  Track b1;
  Track b2;

  @BeforeEach
  void catalogue() throws Exception {
    // written out of order: album order is by track number, then path
    a3 = PrefetchFixtures.track(root, "A", 3, 4000);
    a1 = PrefetchFixtures.track(root, "A", 1, 4000);
    a4 = PrefetchFixtures.track(root, "A", 4, 4000);
    a2 = PrefetchFixtures.track(root, "A", 2, 4000);
    b1 = PrefetchFixtures.track(root, "B", 1, 4000);
    b2 = PrefetchFixtures.track(root, "B", 2, 4000);
    catalog = new Catalog(List.of(a3, b2, a1, a4, b1, a2));
  }

  @Test
  void withoutSimilarTracksTheAlbumIsFollowedInOrder() {
    LikelyNext next = new LikelyNext(() -> catalog, () -> null);

    assertThat(next.after(a1, 2)).containsExactly(a2, a3);
    assertThat(next.after(a2, 5)).containsExactly(a3, a4);
    assertThat(next.after(a3, 1)).containsExactly(a4);
    assertThat(next.after(a4, 2)).as("the album's last track").isEmpty();
  }

  @Test
  void similarTracksComeAfterTheAlbumsNextTrackWithoutRepeatsOrTheTrackItself() {
    SimilarTracks similar =
        (track, limit) -> List.of(a1, a2, b2, b1, a3).stream().limit(limit).toList();
    LikelyNext next = new LikelyNext(() -> catalog, () -> similar);

    assertThat(next.after(a1, 2)).containsExactly(a2, b2);
    assertThat(next.after(a1, 3)).containsExactly(a2, b2, b1);
    // the album fills what similar tracks leave
    assertThat(next.after(a1, 5)).containsExactly(a2, b2, b1, a3, a4);
    // the album's last track: similar ones only
    assertThat(next.after(a4, 2)).containsExactly(a1, a2);
  }

  @Test
  void aFailingSimilarityLookupFallsBackToTheAlbum() {
    SimilarTracks broken =
        (track, limit) -> {
          throw new IllegalStateException("no embeddings yet");
        };
    LikelyNext next = new LikelyNext(() -> catalog, () -> broken);

    assertThat(next.after(a1, 2)).containsExactly(a2, a3);
  }
}
