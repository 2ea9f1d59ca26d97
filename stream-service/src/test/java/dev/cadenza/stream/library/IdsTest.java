package dev.cadenza.stream.library;

import static org.assertj.core.api.Assertions.assertThat;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Ids are part of the API contract: clients keep them, so they must never change. */
class IdsTest {

  @Test
  void idsMatchTheExamplesOfTheApiDocumentation() {
    assertThat(Ids.track(LibraryFixtures.FIRST_LIGHT)).isEqualTo("6MF07cBKcIpIKS4B");
    assertThat(Ids.album("Aurora Lane", "Dawn Sketches")).isEqualTo("sI-hW_rHezPeUlkS");
    assertThat(Ids.artist("Aurora Lane")).isEqualTo("hxr_c0dP0dxrzqZY");
  }

  @Test
  void idsAreSixteenUrlSafeCharacters() {
    for (String path : LibraryFixtures.demoPaths()) {
      assertThat(Ids.track(path)).matches(Ids.ID);
    }
    assertThat(Ids.artist("Café Nocturne — Été / ?&#")).matches(Ids.ID);
  }

  @Test
  void albumAndArtistIdsIgnoreCaseAndAccents() {
    assertThat(Ids.artist("AURORA LANE")).isEqualTo(Ids.artist("Aurora Lane"));
    assertThat(Ids.artist("Beyonce")).isEqualTo(Ids.artist("Beyoncé"));
    assertThat(Ids.artist("Beyonce\u0301")).isEqualTo(Ids.artist("Beyonc\u00e9"));
    assertThat(Ids.album("aurora lane", "DAWN sketches"))
        .isEqualTo(Ids.album("Aurora Lane", "Dawn Sketches"));
    assertThat(Ids.album("Aurora Lane", "Tides"))
        .isNotEqualTo(Ids.album("Aurora Lane", "Dawn Sketches"));
  }

  @Test
  void trackIdsDependOnTheExactRelativePath() {
    assertThat(Ids.track("a/b.mp3")).isNotEqualTo(Ids.track("a/B.mp3"));
    assertThat(Ids.track("a/b.mp3")).isNotEqualTo(Ids.track("a/b.flac"));
    assertThat(Ids.track("a/b.mp3")).isEqualTo(Ids.track("a/b.mp3"));
  }

  @Test
  void foldRemovesCaseAndAccents() {
    assertThat(Ids.fold("  Café Nocturne — Été ")).isEqualTo("cafe nocturne — ete");
    assertThat(Ids.fold("ÅNGSTRÖM")).isEqualTo("angstrom");
  }

  @Test
  void foldOfAsciiTextIsTheFullNormalisationsResult() {
    StringBuilder every = new StringBuilder();
    for (char c = 0; c < 0x80; c++) {
      every.append(c);
    }
    for (String text :
        List.of(every.toString(), "  Mixed CASE\tTabs\nLines  ", "AC/DC - Back In Black", "")) {
      String full =
          Pattern.compile("\\p{M}+")
              .matcher(Normalizer.normalize(text, Normalizer.Form.NFKD))
              .replaceAll("")
              .toLowerCase(Locale.ROOT)
              .strip();
      assertThat(Ids.fold(text)).isEqualTo(full);
    }
  }
}
