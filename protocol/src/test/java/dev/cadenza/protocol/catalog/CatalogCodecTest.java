package dev.cadenza.protocol.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CatalogCodecTest {

  private static CatalogPage roundTrip(CatalogPage page) throws CatalogFormatException {
    return CatalogCodec.decode(CatalogCodec.encode(page));
  }

  @Test
  void aFullyTaggedTrackComesBackWithEveryField() throws Exception {
    CatalogPage page = new CatalogPage(List.of(SampleTracks.firstLight()), "6MF07cBKcIpIKS4B");

    CatalogPage decoded = roundTrip(page);

    assertThat(decoded).isEqualTo(page);
    TrackEntry track = decoded.tracks().get(0);
    assertThat(track.embeddingCode()).isEqualTo(SampleTracks.firstLight().embeddingCode());
    assertThat(track.path()).isEqualTo("Aurora Lane/Dawn Sketches/01 First Light.mp3");
    assertThat(track.hasCover()).isTrue();
  }

  @Test
  void absentOptionalFieldsStayAbsent() throws Exception {
    CatalogPage page = new CatalogPage(List.of(SampleTracks.untagged()), null);

    TrackEntry track = roundTrip(page).tracks().get(0);

    assertThat(track).isEqualTo(SampleTracks.untagged());
    assertThat(track.tags().artist()).isNull();
    assertThat(track.tags().year()).isNull();
    assertThat(track.tags().durationMs()).isNull();
    assertThat(track.audio()).isEqualTo(AudioProperties.NONE);
    assertThat(track.embeddingCode()).isNull();
    assertThat(track.hasCover()).isFalse();
  }

  @Test
  void unicodeNamesAndNonIdStringsRoundTrip() throws Exception {
    TrackEntry base = SampleTracks.firstLight();
    TrackEntry unicode =
        TrackEntry.builder()
            .id("not-an-id: 17 chars")
            .tags(
                TrackTags.builder()
                    .title("Café Nocturne 🎹 — 夜想曲")
                    .artist("Sigur Rós")
                    .album("Ágætis byrjun")
                    .albumArtist("")
                    .trackNumber(-1)
                    .discNumber(0)
                    .year(Integer.MIN_VALUE)
                    .genre("Post-rock \uFFFD")
                    .durationMs(Long.MAX_VALUE)
                    .build())
            .format("flac")
            .contentType("audio/flac")
            .size(Long.MAX_VALUE)
            .audio(new AudioProperties(Integer.MAX_VALUE, 0, 1, "FLAC"))
            .path("/leading/slash/and/ünïcode 🎹.flac")
            .albumId("short")
            .artistId("ABCDEFGHIJKLMNO=")
            .embeddingCode(new byte[0])
            .build();

    CatalogPage page = new CatalogPage(List.of(base, unicode), "cursor with spaces ✓");

    assertThat(roundTrip(page)).isEqualTo(page);
  }

  @Test
  void pathsWithoutFolderOrWithEmptyNameRoundTrip() throws Exception {
    List<TrackEntry> tracks = new ArrayList<>();
    for (String path : List.of("file.mp3", "folder/", "/", "a//b.mp3", "")) {
      TrackEntry t = SampleTracks.untagged();
      tracks.add(withPath(t, path));
    }
    CatalogPage page = new CatalogPage(tracks, null);

    assertThat(roundTrip(page)).isEqualTo(page);
  }

  @Test
  void anEmptyPageIsSevenBytes() throws Exception {
    CatalogPage empty = new CatalogPage(List.of(), null);

    byte[] bytes = CatalogCodec.encode(empty);

    assertThat(HexFormat.of().formatHex(bytes)).isEqualTo("43445a4301" + "00" + "00" + "00");
    assertThat(CatalogCodec.decode(bytes)).isEqualTo(empty);
  }

  @Test
  void replayGainRoundTripsExactlyAndAnAlbumsValuesAreWrittenOnce() throws Exception {
    ReplayGain gain = new ReplayGain(-6.48, 0.988553, -7.1, 1.023, -3.25);
    TrackEntry one =
        SampleTracks.firstLight().toBuilder()
            .tags(SampleTracks.firstLight().tags().toBuilder().replayGain(gain).build())
            .build();
    TrackEntry two =
        one.toBuilder()
            .id("Q2FkZW56YS10d28h")
            .tags(
                one.tags().toBuilder()
                    .replayGain(new ReplayGain(2.5, 0.5, -7.1, 1.023, null))
                    .build())
            .build();
    CatalogPage page = new CatalogPage(List.of(one, two), null);

    CatalogPage decoded = roundTrip(page);

    assertThat(decoded).isEqualTo(page);
    assertThat(decoded.tracks().get(0).tags().replayGain()).isEqualTo(gain);
    assertThat(decoded.tracks().get(1).tags().replayGain().albumPeak()).isEqualTo(1.023);
    int bare =
        CatalogCodec.encode(
                new CatalogPage(
                    List.of(
                        SampleTracks.firstLight(),
                        two.toBuilder()
                            .tags(one.tags().toBuilder().replayGain(ReplayGain.NONE).build())
                            .build()),
                    null))
            .length;
    int tagged = CatalogCodec.encode(page).length;
    // track 1: presence +1, same +0, gains -6.48 and -7.1 (2 bytes each), peaks 0.988553 and 1.023
    // (3 bytes each), base gain (2); track 2: presence +1, its own gain (2) and peak (3), and the
    // album's values as same-as-previous bits, which fit the same-bits' 3 bytes
    assertThat(tagged - bare).isEqualTo(13 + 6);
  }

  @Test
  void aLargePageRoundTrips() throws Exception {
    CatalogPage page = new CatalogPage(SampleTracks.albums(2_000, 10, 7), "last");

    assertThat(roundTrip(page)).isEqualTo(page);
  }

  @Test
  void theDictionaryStoresRepeatedNamesOnce() throws Exception {
    TrackEntry one = SampleTracks.firstLight();
    List<TrackEntry> album = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      album.add(one);
    }

    int oneTrack = CatalogCodec.encode(new CatalogPage(List.of(one), null)).length;
    int hundredTracks = CatalogCodec.encode(new CatalogPage(album, null)).length;

    // the names (artist, album, genre, codec, folder, ids: about 110 bytes) appear once; each
    // further track costs only its own fields and one-byte references
    int perExtraTrack = (hundredTracks - oneTrack) / 99;
    assertThat(perExtraTrack).isLessThan(oneTrack - 100);
    assertThat(countOccurrences(CatalogCodec.encode(new CatalogPage(album, null)), "Aurora Lane"))
        .isEqualTo(2); // the artist, and the folder "Aurora Lane/Dawn Sketches"
  }

  @Test
  void idsAreStoredAsTheirTwelveRawBytes() {
    TrackEntry t = SampleTracks.untagged();
    byte[] asId = CatalogCodec.encode(new CatalogPage(List.of(t), null));
    byte[] asText =
        CatalogCodec.encode(new CatalogPage(List.of(withId(t, "aaaaaaaaaaaaaaa.")), null));

    // a 16-character base64url id takes a 0 header and 12 bytes; other text its UTF-8 bytes
    assertThat(asText.length - asId.length).isEqualTo(4);
  }

  @Test
  void theEncoderRejectsWhatTheFormatCannotCarry() {
    TrackEntry loneSurrogate = withId(SampleTracks.untagged(), "broken \uD800 id");
    TrackEntry hugeFileName = withPath(SampleTracks.untagged(), "x".repeat(65_537));

    assertThatThrownBy(() -> CatalogCodec.encode(new CatalogPage(List.of(loneSurrogate), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("lone surrogate");
    assertThatThrownBy(() -> CatalogCodec.encode(new CatalogPage(List.of(hugeFileName), null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65537 UTF-8 bytes");
  }

  private static int countOccurrences(byte[] haystack, String needle) {
    String text = new String(haystack, StandardCharsets.ISO_8859_1);
    return text.split(Pattern.quote(needle), -1).length - 1;
  }

  static TrackEntry withPath(TrackEntry t, String path) {
    return t.toBuilder().path(path).build();
  }

  static TrackEntry withId(TrackEntry t, String id) {
    return t.toBuilder().id(id).build();
  }
}
