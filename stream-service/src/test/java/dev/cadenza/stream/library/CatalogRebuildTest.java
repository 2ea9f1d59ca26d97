package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A catalogue built from the previous one (a watched change, a refreshed track, a rescan) takes
 * over what the previous one derived from unchanged tracks, and answers as one built afresh.
 */
class CatalogRebuildTest {

  @Test
  void aCatalogueBuiltFromThePreviousOneAnswersAsOneBuiltAfresh() {
    List<Track> tracks = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      tracks.add(track("Artist " + i % 3 + "/Album " + i % 7 + "/" + i + ".mp3", "Song " + i, i));
    }
    Catalog previous = new Catalog(tracks);
    Track retagged = track(tracks.get(10).path(), "Renamed Café", 10);
    Track added = track("Artist 9/Nouvel Été/1.mp3", "Added", 99);

    Catalog rebuilt =
        previous
            .with(retagged.id(), retagged)
            .with(tracks.get(20).id(), null)
            .with(added.id(), added);

    List<Track> now = new ArrayList<>(tracks);
    now.set(10, retagged);
    now.remove(20);
    now.add(added);
    Catalog fresh = new Catalog(now);
    assertThat(rebuilt.tracks()).isEqualTo(fresh.tracks());
    assertThat(rebuilt.albums()).isEqualTo(fresh.albums());
    assertThat(rebuilt.artists()).isEqualTo(fresh.artists());
    for (Track t : fresh.tracks()) {
      assertThat(rebuilt.albumIdOf(t)).isEqualTo(fresh.albumIdOf(t));
    }
    for (String query : List.of("cafe", "song 2", "ete", "artist 1", "song 20", "added", "")) {
      List<String> words = List.of(Ids.fold(query).split("\\s+"));
      assertThat(hits(rebuilt, words)).as(query).isEqualTo(hits(fresh, words));
    }
    assertThat(hits(rebuilt, List.of("renamed"))).containsExactly(retagged);
    assertThat(hits(rebuilt, List.of("song", "10"))).isEmpty();
  }

  private static List<Track> hits(Catalog catalog, List<String> words) {
    SearchHits hits = catalog.search(words);
    List<Track> found = new ArrayList<>();
    for (int i = hits.next(0); i < catalog.tracks().size(); i = hits.next(i + 1)) {
      found.add(catalog.tracks().get(i));
    }
    return found;
  }

  private static Track track(String path, String title, int version) {
    TrackTags tags =
        TrackTags.builder().title(title).artist(path.substring(0, path.indexOf('/'))).build();
    return new Track(
        Ids.track(path),
        path,
        Path.of("/library", path),
        AudioFormat.MP3,
        new FileVersion(version, Instant.EPOCH, Instant.EPOCH, version),
        new FileTags(tags, new AudioProperties(null, null, null, null), false));
  }
}
