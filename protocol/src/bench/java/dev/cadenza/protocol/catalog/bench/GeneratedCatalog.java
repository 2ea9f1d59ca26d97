package dev.cadenza.protocol.catalog.bench;

import dev.cadenza.protocol.catalog.AudioProperties;
import dev.cadenza.protocol.catalog.CatalogIds;
import dev.cadenza.protocol.catalog.TrackEntry;
import dev.cadenza.protocol.catalog.TrackTags;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * A seeded music library shaped like a real one: artists with a few albums each, albums of 6 to 16
 * tracks, one album in ten a compilation with an artist per track, a format mix of FLAC, MP3, AAC
 * and Ogg, ids derived as the stream service derives them, and tracks in path order as the listing
 * endpoint sends them. Every track carries a 48-byte embedding code (random bytes: binary codes of
 * real embeddings look much the same to a compressor).
 */
final class GeneratedCatalog {

  private static final String[] FIRST = {
    "Aurora", "Miles", "Nina", "Joni", "Oskar", "Léa", "Björn", "Amara", "Kenji", "Sofia", "Ravi",
    "Elena", "Tomás", "Freya", "Marcus", "Yuki", "Chloé", "Dmitri", "Ines", "Jonah", "Zara", "Lars",
    "Mina", "Otis", "Priya", "Hugo", "Aline", "Niamh", "Kofi", "Sven"
  };
  private static final String[] LAST = {
    "Lane", "Davis", "Simone", "Mitchell", "Berg", "Moreau", "Sigurdsson", "Okafor", "Tanaka",
    "Rossi", "Shankar", "Petrova", "Álvarez", "Lund", "Hale", "Watanabe", "Dubois", "Volkov",
    "Costa", "Reed", "Malik", "Nyström", "Park", "Redding", "Kapoor", "Lefèvre", "Brennan"
  };
  private static final String[] WORDS = {
    "Light",
    "Dawn",
    "Sketches",
    "River",
    "Night",
    "Echoes",
    "Glass",
    "Summer",
    "Paper",
    "Moon",
    "Silver",
    "Heart",
    "Blue",
    "Fire",
    "Northern",
    "City",
    "Dust",
    "Golden",
    "Hours",
    "Ocean",
    "Winter",
    "Garden",
    "Electric",
    "Quiet",
    "Wild",
    "Shadows",
    "Morning",
    "Stone",
    "Rain",
    "Velvet",
    "Distant",
    "Signals",
    "Harbour",
    "Orbit",
    "Hollow",
    "Static",
    "Lanterns",
    "Tides",
    "Nocturne",
    "Café",
    "Mirrors",
    "Satellite",
    "Fading",
    "Horizon",
    "Crimson",
    "Lullaby"
  };
  private static final String[] GENRES = {
    "Ambient",
    "Jazz",
    "Rock",
    "Electronic",
    "Folk",
    "Classical",
    "Hip-Hop",
    "Pop",
    "Soul",
    "Indie",
    "Metal",
    "Reggae",
    "Blues",
    "Soundtrack"
  };
  private static final String[][] FORMATS = {
    // format, content type, codec, typical bitrate (kbit/s), sample rate, share (of 20)
    {"flac", "audio/flac", "FLAC", "900", "44100", "10"},
    {"mp3", "audio/mpeg", "MPEG-1 Layer 3", "320", "44100", "6"},
    {"m4a", "audio/mp4", "AAC", "256", "44100", "3"},
    {"ogg", "audio/ogg", "Vorbis", "192", "48000", "1"},
  };

  private GeneratedCatalog() {}

  static List<TrackEntry> generate(int trackCount, long seed) {
    Random random = new Random(seed);
    List<TrackEntry> tracks = new ArrayList<>(trackCount);
    while (tracks.size() < trackCount) {
      String artist = artistName(random);
      int albums = 1 + random.nextInt(5);
      for (int a = 0; a < albums && tracks.size() < trackCount; a++) {
        addAlbum(tracks, trackCount, artist, random);
      }
    }
    tracks.sort(Comparator.comparing(TrackEntry::path));
    return tracks;
  }

  private static void addAlbum(List<TrackEntry> tracks, int limit, String artist, Random random) {
    boolean compilation = random.nextInt(10) == 0;
    String albumArtist = compilation ? "Various Artists" : artist;
    String album = words(random, 1 + random.nextInt(3));
    String genre = GENRES[random.nextInt(GENRES.length)];
    int year = 1960 + random.nextInt(66);
    String[] format = pickFormat(random);
    int size = 6 + random.nextInt(11);
    int discs = random.nextInt(20) == 0 ? 2 : 1;
    boolean cover = random.nextInt(4) != 0;
    String albumId = CatalogIds.of("album\0" + albumArtist.toLowerCase(Locale.ROOT) + "\0" + album);
    String artistId = CatalogIds.of("artist\0" + albumArtist.toLowerCase(Locale.ROOT));
    for (int disc = 1; disc <= discs; disc++) {
      for (int n = 1; n <= size && tracks.size() < limit; n++) {
        String trackArtist = compilation ? artistName(random) : artist;
        String title = words(random, 1 + random.nextInt(4));
        String prefix = discs > 1 ? disc + "-" : "";
        String path =
            String.format(
                Locale.ROOT, "%s/%s/%s%02d %s.%s", albumArtist, album, prefix, n, title, format[0]);
        int bitrate =
            Integer.parseInt(format[3]) - (format[0].equals("flac") ? random.nextInt(300) : 0);
        long durationMs = 90_000L + random.nextInt(360_000);
        byte[] code = new byte[48];
        random.nextBytes(code);
        tracks.add(
            TrackEntry.builder()
                .id(CatalogIds.of("track\0" + path))
                .tags(
                    TrackTags.builder()
                        .title(title)
                        .artist(trackArtist)
                        .album(album)
                        .albumArtist(albumArtist)
                        .trackNumber(n)
                        .discNumber(disc)
                        .year(year)
                        .genre(genre)
                        .durationMs(durationMs)
                        .build())
                .format(format[0])
                .contentType(format[1])
                .size(durationMs * bitrate / 8 + random.nextInt(65_536))
                .audio(new AudioProperties(bitrate, Integer.parseInt(format[4]), 2, format[2]))
                .path(path)
                .albumId(albumId)
                .artistId(artistId)
                .hasCover(cover)
                .embeddingCode(code)
                .build());
      }
    }
  }

  private static String artistName(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> "The " + words(random, 1 + random.nextInt(2));
      default -> FIRST[random.nextInt(FIRST.length)] + " " + LAST[random.nextInt(LAST.length)];
    };
  }

  private static String words(Random random, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        text.append(' ');
      }
      text.append(WORDS[random.nextInt(WORDS.length)]);
    }
    return text.toString();
  }

  private static String[] pickFormat(Random random) {
    int roll = random.nextInt(20);
    for (String[] format : FORMATS) {
      roll -= Integer.parseInt(format[5]);
      if (roll < 0) {
        return format;
      }
    }
    return FORMATS[0];
  }
}
