package dev.cadenza.stream.listening;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.TrackTags;
import dev.cadenza.stream.library.AudioFormat;
import dev.cadenza.stream.library.Catalog;
import dev.cadenza.stream.library.FileTags;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** Catalogues of made-up tracks and a clock the test moves, for the service's unit tests. */
final class MusicFixtures {

  private MusicFixtures() {}

  /** {@code albums} albums of {@code perAlbum} three-minute tracks, by one artist per album. */
  static Catalog catalog(int albums, int perAlbum) {
    List<Track> tracks = new ArrayList<>();
    for (int a = 0; a < albums; a++) {
      for (int t = 0; t < perAlbum; t++) {
        tracks.add(track("Artist " + a, "Album " + a, t + 1, 180_000L));
      }
    }
    return new Catalog(tracks);
  }

  static Track track(String artist, String album, int number, Long durationMs) {
    String path = artist + "/" + album + "/" + String.format("%02d", number) + ".mp3";
    return new Track(
        Ids.track(path),
        path,
        Path.of("/music", path),
        AudioFormat.MP3,
        new FileVersion(1_000, Instant.EPOCH, Instant.EPOCH, 1),
        new FileTags(
            TrackTags.builder()
                .title("Track " + number)
                .artist(artist)
                .albumArtist(artist)
                .album(album)
                .trackNumber(number)
                .durationMs(durationMs)
                .build(),
            AudioProperties.NONE,
            false));
  }

  static List<String> trackIds(Catalog catalog) {
    return catalog.tracks().stream().map(Track::id).toList();
  }

  /** A clock that stands still until the test moves it. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }
}
