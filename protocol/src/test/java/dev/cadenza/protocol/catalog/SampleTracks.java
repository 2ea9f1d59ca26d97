package dev.cadenza.protocol.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Tracks to encode in tests: one fully tagged, one bare, and seeded generated albums. */
final class SampleTracks {

  private SampleTracks() {}

  /** The Track of docs/api.md, with a 48-byte embedding code. */
  static TrackEntry firstLight() {
    byte[] code = new byte[48];
    for (int i = 0; i < code.length; i++) {
      code[i] = (byte) (i * 37);
    }
    return TrackEntry.builder()
        .id("6MF07cBKcIpIKS4B")
        .tags(
            TrackTags.builder()
                .title("First Light")
                .artist("Aurora Lane")
                .album("Dawn Sketches")
                .albumArtist("Aurora Lane")
                .trackNumber(1)
                .discNumber(1)
                .year(2024)
                .genre("Ambient")
                .durationMs(14028L)
                .build())
        .format("mp3")
        .contentType("audio/mpeg")
        .size(169352)
        .audio(new AudioProperties(96, 44100, 2, "MPEG-1 Layer 3"))
        .path("Aurora Lane/Dawn Sketches/01 First Light.mp3")
        .albumId("sI-hW_rHezPeUlkS")
        .artistId("hxr_c0dP0dxrzqZY")
        .hasCover(true)
        .embeddingCode(code)
        .build();
  }

  /** A file with no tags at all: every optional field absent. */
  static TrackEntry untagged() {
    return TrackEntry.builder()
        .id("aaaaaaaaaaaaaaaa")
        .tags(TrackTags.builder().title("untitled").build())
        .format("wav")
        .contentType("audio/wav")
        .size(0)
        .path("untitled.wav")
        .albumId("bbbbbbbbbbbbbbbb")
        .artistId("cccccccccccccccc")
        .build();
  }

  /** {@code albums} albums of {@code perAlbum} tracks, all tagged, from a fixed seed. */
  static List<TrackEntry> albums(int albums, int perAlbum, long seed) {
    Random random = new Random(seed);
    List<TrackEntry> tracks = new ArrayList<>();
    String[] genres = {"Ambient", "Jazz", "Rock", "Électronique", "Folk"};
    for (int a = 0; a < albums; a++) {
      String artist = "Artist " + random.nextInt(albums / 3 + 1);
      String album = "Album " + a;
      String albumId = id(random);
      String artistId = id(new Random(artist.hashCode()));
      for (int n = 1; n <= perAlbum; n++) {
        String title = "Song " + random.nextInt(100_000);
        byte[] code = new byte[48];
        random.nextBytes(code);
        tracks.add(
            TrackEntry.builder()
                .id(id(random))
                .tags(
                    TrackTags.builder()
                        .title(title)
                        .artist(artist)
                        .album(album)
                        .albumArtist(artist)
                        .trackNumber(n)
                        .discNumber(1)
                        .year(1970 + random.nextInt(55))
                        .genre(genres[a % genres.length])
                        .durationMs(120_000L + random.nextInt(300_000))
                        .replayGain(replayGain(a, n))
                        .build())
                .format("flac")
                .contentType("audio/flac")
                .size(10_000_000L + random.nextInt(40_000_000))
                .audio(new AudioProperties(900 + random.nextInt(200), 44100, 2, "FLAC"))
                .path(artist + "/" + album + "/" + n + " " + title + ".flac")
                .albumId(albumId)
                .artistId(artistId)
                .hasCover(random.nextBoolean())
                .embeddingCode(code)
                .build());
      }
    }
    return tracks;
  }

  /**
   * ReplayGain as tagging tools write it, with the album's values on every track of the album; none
   * on every fifth album. Not drawn from the seeded random, which the other fields use.
   */
  static ReplayGain replayGain(int album, int track) {
    if (album % 5 == 4) {
      return ReplayGain.NONE;
    }
    return new ReplayGain(
        -(track % 12) - 0.37,
        0.5 + track / 100.0 + 0.000123,
        -(album % 9) - 0.5,
        0.999969,
        album % 3 == 0 ? 1.5 : null);
  }

  static String id(Random random) {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    StringBuilder id = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      id.append(alphabet.charAt(random.nextInt(64)));
    }
    return id.toString();
  }
}
