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
    return new TrackEntry(
        "6MF07cBKcIpIKS4B",
        "First Light",
        "Aurora Lane",
        "Dawn Sketches",
        "Aurora Lane",
        1,
        1,
        2024,
        "Ambient",
        14028L,
        "mp3",
        "audio/mpeg",
        169352,
        96,
        44100,
        2,
        "MPEG-1 Layer 3",
        "Aurora Lane/Dawn Sketches/01 First Light.mp3",
        "sI-hW_rHezPeUlkS",
        "hxr_c0dP0dxrzqZY",
        true,
        code);
  }

  /** A file with no tags at all: every optional field absent. */
  static TrackEntry untagged() {
    return new TrackEntry(
        "aaaaaaaaaaaaaaaa",
        "untitled",
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        "wav",
        "audio/wav",
        0,
        null,
        null,
        null,
        null,
        "untitled.wav",
        "bbbbbbbbbbbbbbbb",
        "cccccccccccccccc",
        false,
        null);
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
            new TrackEntry(
                id(random),
                title,
                artist,
                album,
                artist,
                n,
                1,
                1970 + random.nextInt(55),
                genres[a % genres.length],
                120_000L + random.nextInt(300_000),
                "flac",
                "audio/flac",
                10_000_000L + random.nextInt(40_000_000),
                900 + random.nextInt(200),
                44100,
                2,
                "FLAC",
                artist + "/" + album + "/" + n + " " + title + ".flac",
                albumId,
                artistId,
                random.nextBoolean(),
                code));
      }
    }
    return tracks;
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
