package dev.cadenza.stream.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Track texts of a made-up catalogue, the same for the same seed: artists in one genre each with a
 * few albums of 8-14 tracks, so that artist, album and genre names repeat as in a real library.
 */
public final class GeneratedTracks {

  private static final String[] FIRST = {
    "Nina", "Miles", "Ella", "John", "Aretha", "Bill", "Joni", "Leonard", "Patti", "Nick", "Bjork",
    "Thom", "Kate", "David", "Fela", "Ravi", "Astrud", "Charles", "Erykah", "Tom", "Sade", "Jorge",
    "Ali", "Cesaria", "Youssou", "Lucinda", "Emmylou", "Hank", "Dolly", "Johnny"
  };
  private static final String[] LAST = {
    "Simone",
    "Carter",
    "Holland",
    "Waters",
    "Mitchell",
    "Evans",
    "Cohen",
    "Mayer",
    "Cave",
    "Harris",
    "Bush",
    "Kuti",
    "Shankar",
    "Gilberto",
    "Mingus",
    "Badu",
    "Waits",
    "Ben",
    "Farka",
    "Evora",
    "Ndour",
    "Williams",
    "Parton",
    "Cash",
    "Nakamura",
    "Lindqvist",
    "Okafor",
    "Moreau"
  };
  private static final String[] BANDS = {
    "The",
    "Velvet",
    "Midnight",
    "Electric",
    "Silver",
    "Northern",
    "Broken",
    "Golden",
    "Paper",
    "Quiet",
    "Neon",
    "Wild",
    "Crystal",
    "Iron",
    "Hollow"
  };
  private static final String[] BAND_NOUNS = {
    "Orchestra",
    "Collective",
    "Ghosts",
    "Wolves",
    "Machines",
    "Trio",
    "Quartet",
    "Sisters",
    "Brothers",
    "Lights",
    "Rivers",
    "Engines",
    "Pilots",
    "Saints"
  };
  private static final String[] GENRES = {
    "Jazz", "Blues", "Folk", "Country", "Rock", "Indie Rock", "Electronic", "Techno", "Hip-Hop",
    "Soul", "Reggae", "Classical", "Metal", "Bossa Nova", "Afrobeat", "Ambient", "Pop", "Punk"
  };
  private static final String[] WORDS = {
    "Love",
    "Night",
    "River",
    "Blue",
    "Heart",
    "Fire",
    "Rain",
    "Midnight",
    "Summer",
    "Winter",
    "Dance",
    "Dream",
    "Road",
    "Home",
    "Light",
    "Shadow",
    "Gold",
    "Silver",
    "Moon",
    "Sun",
    "City",
    "Ocean",
    "Train",
    "Highway",
    "Angel",
    "Devil",
    "Whiskey",
    "Morning",
    "Stars",
    "Storm",
    "Song",
    "Ghost",
    "Garden",
    "Mountain",
    "Desert",
    "Echo",
    "Paradise",
    "Memory",
    "Freedom",
    "Lonely"
  };
  private static final String[] PATTERNS = {
    "%s",
    "%s %s",
    "The %s",
    "%s of %s",
    "%s in the %s",
    "Little %s",
    "My %s",
    "%s Blues",
    "Under the %s",
    "%s Again",
    "Another %s",
    "%s (Live)",
    "%s, Part II"
  };

  private GeneratedTracks() {}

  /** {@code count} track texts ({@link TrackText}). */
  public static List<String> texts(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<String> texts = new ArrayList<>(count);
    while (texts.size() < count) {
      String artist =
          random.nextInt(3) == 0
              ? pick(random, BANDS) + " " + pick(random, BAND_NOUNS)
              : pick(random, FIRST) + " " + pick(random, LAST);
      String genre = pick(random, GENRES);
      int year = random.nextInt(1955, 2026);
      int albums = random.nextInt(1, 4);
      for (int a = 0; a < albums && texts.size() < count; a++) {
        String album = title(random);
        int tracks = random.nextInt(8, 15);
        for (int t = 0; t < tracks && texts.size() < count; t++) {
          texts.add(TrackText.of(title(random), artist, album, genre, year + 2 * a));
        }
      }
    }
    return texts;
  }

  private static String title(SplittableRandom random) {
    String pattern = pick(random, PATTERNS);
    return String.format(pattern, pick(random, WORDS), pick(random, WORDS));
  }

  private static String pick(SplittableRandom random, String[] from) {
    return from[random.nextInt(from.length)];
  }
}
