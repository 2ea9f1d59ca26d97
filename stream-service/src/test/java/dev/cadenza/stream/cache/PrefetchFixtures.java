package dev.cadenza.stream.cache;

import dev.cadenza.stream.config.CadenzaProperties;
import dev.cadenza.stream.library.AudioFormat;
import dev.cadenza.stream.library.FileTags;
import dev.cadenza.stream.library.FileVersion;
import dev.cadenza.stream.library.Ids;
import dev.cadenza.stream.library.Track;
import dev.cadenza.stream.testsupport.TestAudio;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.util.unit.DataSize;

/** Untagged WAV tracks in album folders, and cache settings, for the prefetch tests. */
final class PrefetchFixtures {

  static final int CHUNK = 4096;

  private PrefetchFixtures() {}

  /** {@code "<album>/0<n>.wav"}: an untagged WAV, filed under its folder as album. */
  static Track track(Path root, String album, int n, int bytes) throws Exception {
    String path = album + "/0" + n + ".wav";
    Path file = TestAudio.wav(root.resolve(path), bytes, path.hashCode());
    return new Track(
        Ids.track(path), path, file, AudioFormat.WAV, FileVersion.of(file), FileTags.NONE);
  }

  /** {@code albums} albums "Album 0".. of {@code perAlbum} tracks of {@code bytes} each. */
  static List<Track> albums(Path root, int albums, int perAlbum, int bytes) throws Exception {
    List<Track> tracks = new ArrayList<>();
    for (int a = 0; a < albums; a++) {
      for (int n = 1; n <= perAlbum; n++) {
        tracks.add(track(root, "Album " + a, n, bytes));
      }
    }
    return tracks;
  }

  static CadenzaProperties properties(
      Path root, boolean cacheOn, DataSize memory, CadenzaProperties.Cache.Prefetch prefetch) {
    return new CadenzaProperties(
        new CadenzaProperties.Library(root, Duration.ZERO, 1, Duration.ofSeconds(5), false),
        new CadenzaProperties.Api(50, 500),
        new CadenzaProperties.Cache(
            cacheOn,
            memory,
            DataSize.ofBytes(CHUNK),
            Duration.ofHours(1),
            0,
            16,
            2,
            prefetch,
            CadenzaProperties.Cache.Originals.L1),
        CadenzaProperties.DynamoDb.off());
  }
}
